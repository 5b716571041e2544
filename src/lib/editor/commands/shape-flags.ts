import type { Action } from '../actions';
import { viewPrefs } from '../view-prefs.svelte';
import type { CommandContext, CommandHost } from './context';

// A shape locked against moves (for everyone) or hidden (on this device).

export function toggleLock(ctx: CommandContext, id = ctx.selectedId): void {
	const a = id ? ctx.shape(id) : undefined;
	if (!a) return void ctx.hint('Select a shape to lock or unlock');
	const r = ctx.doc.updateAnnotation(a.id, { locked: !a.locked });
	if (!r.ok) return void ctx.refuse(r.reason);
	ctx.hint(r.value.locked ? 'Locked: it cannot be moved, reshaped or deleted (its class and attributes still can change)' : 'Unlocked');
}

/** Hides the selected shape on this device; with nothing selected, shows every hidden shape again. */
export function toggleHidden(ctx: CommandContext): void {
	const id = ctx.selectedId;
	if (id) {
		viewPrefs.setShapeHidden(id, true);
		ctx.hint('Hidden on this device: show it again with its eye in the shape list');
	} else if (viewPrefs.hiddenShapes.size) {
		for (const hidden of viewPrefs.hiddenShapes) viewPrefs.setShapeHidden(hidden, false);
		ctx.hint('Every hidden shape is shown again');
	} else ctx.hint('Select a shape to hide');
}

export const shapeFlagActions: Action<CommandHost>[] = [
	{ id: 'lock', label: 'Lock / unlock shape', keys: ['mod+l'], run: (e) => toggleLock(e.commands) },
	{ id: 'hide', label: 'Hide shape (nothing selected: show all)', keys: ['alt+h'], group: 'view', run: (e) => toggleHidden(e.commands) }
];
