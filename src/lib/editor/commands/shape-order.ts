import type { Action } from '../actions';
import type { CommandContext, CommandHost } from './context';

// The selected shape's place in the drawing order.

/** Brings the selected shape to the front (+1) or sends it to the back (-1). */
export function moveToEnd(ctx: CommandContext, side: 1 | -1): void {
	const a = ctx.selected();
	if (!a) return void ctx.hint('Select a shape first');
	const r = ctx.doc.setZExtreme(a.id, side);
	if (!r.ok) ctx.refuse(r.reason);
}

/** Moves the selected shape one place up (+1) or down (-1) the drawing order. */
export function moveOneStep(ctx: CommandContext, step: 1 | -1): void {
	const a = ctx.selected();
	if (!a) return void ctx.hint('Select a shape first');
	const r = ctx.doc.stepZ(a.id, step);
	if (!r.ok) ctx.refuse(r.reason);
}

export const shapeOrderActions: Action<CommandHost>[] = [
	{ id: 'order.front', label: 'Bring to front', keys: [']'], run: (e) => moveToEnd(e.commands, 1) },
	{ id: 'order.back', label: 'Send to back', keys: ['['], run: (e) => moveToEnd(e.commands, -1) },
	{ id: 'order.forward', label: 'Bring forward', keys: ['mod+]'], run: (e) => moveOneStep(e.commands, 1) },
	{ id: 'order.backward', label: 'Send backward', keys: ['mod+['], run: (e) => moveOneStep(e.commands, -1) }
];
