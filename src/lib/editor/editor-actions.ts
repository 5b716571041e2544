import { DRAWABLE_TYPES, shapeViews } from '$lib/shapes/views';
import { ActionRegistry, type Action } from './actions';
import type { Editor } from './editor';

const ZOOM_STEP = 1.25;

/** Every keyboard shortcut of the editor; toolbar buttons run the same actions by id. */
export function editorActions(): ActionRegistry<Editor> {
	const tools: Action<Editor>[] = [
		{ id: 'tool.select', label: 'Select', keys: ['v'], run: (e) => e.setTool('select') },
		...DRAWABLE_TYPES.map((type): Action<Editor> => {
			const view = shapeViews[type];
			return { id: `tool.${type}`, label: view.toolLabel, keys: [view.toolKey], run: (e) => e.setTool(type) };
		})
	];
	return new ActionRegistry<Editor>().register(
		...tools,
		{ id: 'undo', label: 'Undo', keys: ['mod+z'], run: (e) => e.undo() },
		{ id: 'redo', label: 'Redo', keys: ['mod+shift+z', 'mod+y'], run: (e) => e.redo() },
		{ id: 'delete', label: 'Delete shape', keys: ['delete', 'backspace'], run: (e) => e.deleteSelected() },
		{ id: 'polygon.hole', label: 'Cut a hole', keys: ['h'], run: (e) => e.cutHole() },
		{ id: 'deselect', label: 'Deselect', keys: ['escape'], run: (e) => e.select(null) },
		{ id: 'zoom.in', label: 'Zoom in', keys: ['+', '='], run: (e) => e.zoomBy(ZOOM_STEP) },
		{ id: 'zoom.out', label: 'Zoom out', keys: ['-'], run: (e) => e.zoomBy(1 / ZOOM_STEP) },
		{ id: 'zoom.fit', label: 'Fit to screen', keys: ['0'], run: (e) => e.fit() },
		{ id: 'image.next', label: 'Next image', keys: ['arrowright', 'f'], run: (e) => e.navigate(1) },
		{ id: 'image.previous', label: 'Previous image', keys: ['arrowleft', 'd'], run: (e) => e.navigate(-1) },
		{
			id: 'class.hotkey',
			label: 'Pick class by hotkey',
			keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
			run: (e, key) => e.pickClassByHotkey(key)
		}
	);
}
