import type { AnnotationRecord } from '$lib/model';
import type { Action } from '../actions';
import { viewPrefs } from '../view-prefs.svelte';
import type { CommandContext, CommandHost } from './context';

// Reviewing a model's proposals on this image: accept (then the next), accept all, reject, jump to the next.

/** Accepts the selected proposal and selects the next one (image order, top first). */
export function acceptSelectedProposal(ctx: CommandContext): void {
	const a = ctx.selected();
	if (!a?.proposal) return void ctx.hint(a ? 'This shape is not a model proposal' : 'Select a model proposal first (N jumps to the next)');
	if (ctx.doc.readOnlyReason) return void ctx.refuse(ctx.doc.readOnlyReason);
	const next = proposalAfter(ctx, a.id);
	const r = ctx.doc.acceptProposals([a.id]);
	if (!r.ok) return void ctx.refuse(r.reason);
	ctx.select(next?.id ?? a.id);
}

/** Accepts every proposal on this image as one undo step. */
export function acceptAllProposals(ctx: CommandContext): void {
	if (ctx.doc.readOnlyReason) return void ctx.refuse(ctx.doc.readOnlyReason);
	const r = ctx.doc.acceptAllProposals(ctx.imageId);
	if (!r.ok) return void ctx.refuse(r.reason);
	ctx.hint(r.value ? `Accepted ${r.value} proposal${r.value === 1 ? '' : 's'}` : 'No model proposals on this image');
}

/** Rejects (deletes) the given proposals, or the selected one. */
export function rejectProposals(ctx: CommandContext, ids: string[] = ctx.selectedId ? [ctx.selectedId] : []): void {
	if (ctx.doc.readOnlyReason) return void ctx.refuse(ctx.doc.readOnlyReason);
	const r = ctx.doc.rejectProposals(ids);
	if (!r.ok) ctx.refuse(r.reason);
}

/** Selects the next proposal awaiting review, after the selected shape (wrapping round). */
export function selectNextProposal(ctx: CommandContext): void {
	const next = proposalAfter(ctx, ctx.selectedId);
	if (!next) return void ctx.hint('No model proposals on this image');
	ctx.select(next.id);
}

/** The proposal after `id` in the shape list's order (topmost first), wrapping; not `id` itself. */
function proposalAfter(ctx: CommandContext, id: string | null): AnnotationRecord | undefined {
	const list = ctx.doc.workingAnnotationsOf(ctx.imageId).reverse();
	const at = id ? list.findIndex((a) => a.id === id) : -1;
	const order = [...list.slice(at + 1), ...list.slice(0, Math.max(0, at))];
	return order.find((a) => a.proposal && !viewPrefs.isHidden(a));
}

export const proposalActions: Action<CommandHost>[] = [
	{ id: 'proposal.accept', label: 'Accept model proposal (then the next)', keys: ['a'], run: (e) => acceptSelectedProposal(e.commands) },
	{ id: 'proposal.acceptAll', label: 'Accept every model proposal on the image', keys: ['shift+a'], run: (e) => acceptAllProposals(e.commands) },
	{ id: 'proposal.next', label: 'Next model proposal', keys: ['n'], group: 'navigation', run: (e) => selectNextProposal(e.commands) }
];
