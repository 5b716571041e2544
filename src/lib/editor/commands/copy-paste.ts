import { shapeKind } from '$lib/shapes/registry';
import type { Action } from '../actions';
import { clipShape, copyToClipboard, placeShapes, readClipboard, type ClipShape } from '../clipboard';
import type { CommandContext, CommandHost } from './context';

// Copy, paste and duplicate shapes, and copy the previous image's shapes onto this one.

export function copySelected(ctx: CommandContext): void {
	const a = ctx.selected();
	if (!a) return void ctx.hint('Select a shape to copy');
	copyToClipboard({ sourceImageId: ctx.imageId, shapes: [clipShape(a)] });
	ctx.hint('Copied 1 shape: Ctrl+V pastes it here or on another image');
}

/** Pastes the clipboard at the same place (10 px off when an identical shape is already there). */
export function paste(ctx: CommandContext): void {
	const clip = readClipboard();
	if (!clip?.shapes.length) return void ctx.hint('Nothing copied yet: select a shape and press Ctrl+C');
	placeCopies(ctx, clip.shapes, true);
}

export function duplicateSelected(ctx: CommandContext): void {
	const a = ctx.selected();
	if (!a) return void ctx.hint('Select a shape to duplicate');
	placeCopies(ctx, [clipShape(a)], true);
}

/** Copies every shape of the previous image (project order) onto this one, as one undo step. */
export function repeatPreviousImage(ctx: CommandContext): void {
	const images = ctx.doc.images();
	const previous = images[images.findIndex((i) => i.id === ctx.imageId) - 1];
	if (!previous) return void ctx.hint('This is the first image: there is no previous one to copy from');
	// Tags the image already has are not doubled; in single-label mode any tag here stands.
	const here = ctx.doc.workingAnnotationsOf(ctx.imageId).filter((a) => shapeKind(a.type).imageLevel);
	const tagTaken = (classId: string) => (ctx.doc.tagMode === 'single' ? here.length > 0 : here.some((t) => t.classId === classId));
	const shapes = ctx.doc
		.workingAnnotationsOf(previous.id)
		.filter((a) => !shapeKind(a.type).imageLevel || !tagTaken(a.classId))
		.map(clipShape);
	if (!shapes.length) return void ctx.hint(`${previous.name} has no shapes to copy`);
	const { placed, skipped } = placeCopies(ctx, shapes, false);
	if (placed) ctx.hint(`Copied ${placed} shape${placed === 1 ? '' : 's'} from ${previous.name}${skipped ? ` (${skipped} did not fit)` : ''}`);
}

/** Creates copies on this image as one undo step and selects the topmost; refused ones are counted. */
function placeCopies(ctx: CommandContext, shapes: ClipShape[], offsetIfOccupied: boolean): { placed: number; skipped: number } {
	if (ctx.doc.readOnlyReason) return ctx.refuse(ctx.doc.readOnlyReason), { placed: 0, skipped: shapes.length };
	const image = ctx.viewport.image;
	const { inputs, skipped } = placeShapes(shapes, ctx.imageId, image, ctx.doc.workingAnnotationsOf(ctx.imageId), offsetIfOccupied);
	const results = ctx.doc.createAnnotations(inputs);
	const created = results.flatMap((r) => (r.ok ? [r.value] : []));
	const refused = results.find((r) => !r.ok);
	if (!created.length) {
		const reason = refused && !refused.ok ? refused.reason : `It does not fit this image (${image.width}×${image.height})`;
		ctx.refuse(shapes.length === 1 ? reason : `None of the ${shapes.length} shapes could be placed: ${reason}`);
	} else ctx.select(created[created.length - 1].id);
	return { placed: created.length, skipped: skipped + results.length - created.length };
}

export const copyPasteActions: Action<CommandHost>[] = [
	{ id: 'copy', label: 'Copy shape', keys: ['mod+c'], run: (e) => copySelected(e.commands) },
	{ id: 'paste', label: 'Paste shape', keys: ['mod+v'], run: (e) => paste(e.commands) },
	{ id: 'duplicate', label: 'Duplicate shape', keys: ['mod+d'], run: (e) => duplicateSelected(e.commands) },
	{ id: 'repeat.previous', label: 'Copy shapes from previous image', keys: ['shift+r'], run: (e) => repeatPreviousImage(e.commands) }
];
