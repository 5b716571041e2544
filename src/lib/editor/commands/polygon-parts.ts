import { shapeKind } from '$lib/shapes/registry';
import { partAt, withoutPart, type PolygonGeometry } from '$lib/shapes/polygon/kind';
import { LOCKED_REASON } from '$lib/model/project-doc';
import type { Action } from '../actions';
import type { CommandContext, CommandHost } from './context';

/** A part is picked within this many screen px of its outline (the select tool's handle reach). */
const HANDLE_TOLERANCE_PX = 7;

// The parts and holes of the selected polygon: cut a hole, add a part, remove the pointed part.

/** The polygon tool, drawing a ring that becomes a hole of the selected polygon. */
export function cutHole(ctx: CommandContext): void {
	const sel = ctx.selected();
	if (sel?.type !== 'polygon') return ctx.hint('Select a polygon first, then press H to cut a hole in it');
	ctx.armRing({ id: sel.id, as: 'hole' });
	ctx.hint('Click the corners of the hole inside the polygon and close it on the first point; Escape cancels', 6000);
}

/** The polygon tool, drawing a ring that becomes a further part of the selected polygon (one object). */
export function addPart(ctx: CommandContext): void {
	const sel = ctx.selected();
	if (sel?.type !== 'polygon') return ctx.hint(`Select a polygon first, then press ${ctx.keyOf('polygon.addPart')} to add a part to it`);
	if (sel.locked) return void ctx.refuse(LOCKED_REASON);
	ctx.armRing({ id: sel.id, as: 'part' });
	ctx.hint('Click the corners of the new part and close it on the first point: it joins the selected polygon; Escape cancels', 6000);
}

/**
 * Removes one part of the selected polygon: the part under the pointer, or else the part last
 * clicked (the toolbar's button is off the canvas); refused for its last part.
 */
export function removePart(ctx: CommandContext): void {
	const sel = ctx.selected();
	if (sel?.type !== 'polygon') return ctx.hint('Select a polygon of several parts first');
	const g = sel.geometry as PolygonGeometry;
	if (!g.parts?.length) return void ctx.refuse('This polygon has one part: delete the shape to remove it');
	if (sel.locked) return void ctx.refuse(LOCKED_REASON);
	const p = ctx.pointer();
	const part = p ? partAt(g, p, HANDLE_TOLERANCE_PX / ctx.viewport.scale) : -1;
	if (part < 0) return ctx.hint('Point at the part to remove (or click it first), then remove it');
	const next = withoutPart(g, part);
	if (next && ctx.updateGeometry(sel.id, next)) ctx.hint(`Part ${part + 1} removed (${shapeKind('polygon').describe(next)})`);
}

export const polygonPartActions: Action<CommandHost>[] = [
	{ id: 'polygon.hole', label: 'Cut a hole in the selected polygon', keys: ['h'], run: (e) => cutHole(e.commands) },
	{ id: 'polygon.addPart', label: 'Add a part to the selected polygon (draw it next)', keys: ['shift+p'], run: (e) => addPart(e.commands) },
	{ id: 'polygon.removePart', label: 'Remove the pointed part of the selected polygon', keys: ['shift+delete', 'shift+backspace'], run: (e) => removePart(e.commands) }
];
