import { DRAWABLE_TYPES, shapeViews } from '$lib/shapes/views';
import { ActionRegistry, type Action } from './actions';
import type { Editor } from './editor';

const ZOOM_STEP = 1.25;

/** Every keyboard shortcut of the editor; toolbar buttons run the same actions by id. */
export function editorActions(): ActionRegistry<Editor> {
	const tools: Action<Editor>[] = [
		{ id: 'tool.select', label: 'Select', keys: ['v'], group: 'tools', run: (e) => e.setTool('select') },
		{ id: 'tool.smart', label: 'Smart tool (model-assisted segmentation)', keys: ['w'], group: 'tools', run: (e) => e.setTool('smart') },
		...DRAWABLE_TYPES.map((type): Action<Editor> => {
			const view = shapeViews[type];
			return { id: `tool.${type}`, label: `${view.toolLabel} tool`, keys: [view.toolKey], group: 'tools', run: (e) => e.setTool(type) };
		})
	];
	return new ActionRegistry<Editor>().register(
		...tools,
		{ id: 'undo', label: 'Undo', keys: ['mod+z'], run: (e) => e.undo() },
		{ id: 'redo', label: 'Redo', keys: ['mod+shift+z', 'mod+y'], run: (e) => e.redo() },
		{ id: 'delete', label: 'Delete shape', keys: ['delete', 'backspace'], run: (e) => e.deleteSelected() },
		{ id: 'polygon.hole', label: 'Cut a hole in the selected polygon', keys: ['h'], run: (e) => e.cutHole() },
		{ id: 'polygon.addPart', label: 'Add a part to the selected polygon (draw it next)', keys: ['shift+p'], run: (e) => e.addPart() },
		{ id: 'polygon.removePart', label: 'Remove the pointed part of the selected polygon', keys: ['shift+delete', 'shift+backspace'], run: (e) => e.removePart() },
		{ id: 'copy', label: 'Copy shape', keys: ['mod+c'], run: (e) => e.copySelected() },
		{ id: 'paste', label: 'Paste shape', keys: ['mod+v'], run: (e) => e.paste() },
		{ id: 'duplicate', label: 'Duplicate shape', keys: ['mod+d'], run: (e) => e.duplicateSelected() },
		{ id: 'repeat.previous', label: 'Copy shapes from previous image', keys: ['shift+r'], run: (e) => e.repeatPreviousImage() },
		{ id: 'order.front', label: 'Bring to front', keys: [']'], run: (e) => e.moveToEnd(1) },
		{ id: 'order.back', label: 'Send to back', keys: ['['], run: (e) => e.moveToEnd(-1) },
		{ id: 'order.forward', label: 'Bring forward', keys: ['mod+]'], run: (e) => e.moveOneStep(1) },
		{ id: 'order.backward', label: 'Send backward', keys: ['mod+['], run: (e) => e.moveOneStep(-1) },
		{ id: 'proposal.accept', label: 'Accept model proposal (then the next)', keys: ['a'], run: (e) => e.acceptSelectedProposal() },
		{ id: 'proposal.acceptAll', label: 'Accept every model proposal on the image', keys: ['shift+a'], run: (e) => e.acceptAllProposals() },
		{ id: 'proposal.next', label: 'Next model proposal', keys: ['n'], group: 'navigation', run: (e) => e.selectNextProposal() },
		{ id: 'lock', label: 'Lock / unlock shape', keys: ['mod+l'], run: (e) => e.toggleLock() },
		{ id: 'deselect', label: 'Deselect', keys: ['escape'], group: 'view', fixedKeys: true, run: (e) => e.select(null) },
		{ id: 'hide', label: 'Hide shape (nothing selected: show all)', keys: ['alt+h'], group: 'view', run: (e) => e.toggleHidden() },
		{ id: 'zoom.in', label: 'Zoom in', keys: ['+', '='], group: 'view', run: (e) => e.zoomBy(ZOOM_STEP) },
		{ id: 'zoom.out', label: 'Zoom out', keys: ['-'], group: 'view', run: (e) => e.zoomBy(1 / ZOOM_STEP) },
		{ id: 'zoom.fit', label: 'Fit to screen', keys: ['0'], group: 'view', run: (e) => e.fit() },
		{ id: 'help', label: 'Keyboard shortcuts', keys: ['?'], group: 'view', run: (e) => e.openShortcuts() },
		{ id: 'image.next', label: 'Next image', keys: ['arrowright', 'f'], group: 'navigation', run: (e) => e.navigate(1) },
		{ id: 'image.previous', label: 'Previous image', keys: ['arrowleft', 'd'], group: 'navigation', run: (e) => e.navigate(-1) },
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
