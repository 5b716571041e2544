import { DRAWABLE_TYPES, shapeViews } from '$lib/shapes/views';
import { ActionRegistry, type Action } from './actions';
import type { Editor } from './editor';
import { copyPasteActions } from './commands/copy-paste';
import { polygonPartActions } from './commands/polygon-parts';
import { proposalActions } from './commands/proposals';
import { shapeFlagActions } from './commands/shape-flags';
import { shapeOrderActions } from './commands/shape-order';

const ZOOM_STEP = 1.25;

/**
 * Every keyboard shortcut of the editor; toolbar buttons run the same actions by id. Commands that own
 * their behaviour live in `editor/commands/` and bring their actions with them.
 */
export function editorActions(): ActionRegistry<Editor> {
	const tools: Action<Editor>[] = [
		{ id: 'tool.select', label: 'Select', keys: ['v'], group: 'tools', run: (e) => e.setTool('select') },
		{ id: 'tool.smart', label: 'Smart tool (model-assisted segmentation)', keys: ['w'], group: 'tools', run: (e) => e.setTool('smart') },
		...DRAWABLE_TYPES.map((type): Action<Editor> => {
			const view = shapeViews[type];
			return { id: `tool.${type}`, label: `${view.toolLabel} tool`, keys: [view.toolKey], group: 'tools', run: (e) => e.setTool(type) };
		}),
		{ id: 'tool.comment', label: 'Comment tool (click the image to comment there)', keys: ['t'], group: 'tools', run: (e) => e.setTool('comment') }
	];
	// Issue 15: the team's review and comments. Enter alone belongs to the drawing tools (finish a polygon).
	const review: Action<Editor>[] = [
		{ id: 'review.submit', label: 'Submit the image for review (then the next)', keys: ['shift+enter'], group: 'review', run: (e) => e.review('submit') },
		{ id: 'review.accept', label: 'Accept the image (then the next)', keys: ['mod+enter'], group: 'review', run: (e) => e.review('accept') },
		{ id: 'review.reject', label: 'Reject the image… (say why)', keys: ['mod+shift+enter'], group: 'review', run: (e) => e.review('reject') },
		{ id: 'comments.pins', label: 'Show / hide comment pins', keys: ['shift+c'], group: 'review', run: (e) => e.togglePins() }
	];
	return new ActionRegistry<Editor>().register(
		...tools,
		{ id: 'undo', label: 'Undo', keys: ['mod+z'], run: (e) => e.undo() },
		{ id: 'redo', label: 'Redo', keys: ['mod+shift+z', 'mod+y'], run: (e) => e.redo() },
		{ id: 'delete', label: 'Delete shape', keys: ['delete', 'backspace'], run: (e) => e.deleteSelected() },
		...polygonPartActions,
		...copyPasteActions,
		...shapeOrderActions,
		...proposalActions,
		// Deselect before Hide: the shortcut sheet lists each group in this order.
		{ id: 'deselect', label: 'Deselect', keys: ['escape'], group: 'view', fixedKeys: true, run: (e) => e.select(null) },
		...shapeFlagActions,
		{ id: 'zoom.in', label: 'Zoom in', keys: ['+', '='], group: 'view', run: (e) => e.zoomBy(ZOOM_STEP) },
		{ id: 'zoom.out', label: 'Zoom out', keys: ['-'], group: 'view', run: (e) => e.zoomBy(1 / ZOOM_STEP) },
		{ id: 'zoom.fit', label: 'Fit to screen', keys: ['0'], group: 'view', run: (e) => e.fit() },
		{ id: 'help', label: 'Keyboard shortcuts', keys: ['?'], group: 'view', run: (e) => e.openShortcuts() },
		{ id: 'image.next', label: 'Next image', keys: ['arrowright', 'f'], group: 'navigation', run: (e) => e.navigate(1) },
		{ id: 'image.previous', label: 'Previous image', keys: ['arrowleft', 'd'], group: 'navigation', run: (e) => e.navigate(-1) },
		...review,
		{
			id: 'class.hotkey',
			label: 'Pick class by hotkey',
			keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
			group: 'tools',
			fixedKeys: true,
			run: (e, key) => e.pickClassByHotkey(key)
		}
	);
}
