import type { Editor } from '../editor';
import type { ToolContext } from './tool';

/** The narrow view of the editor that tools get. */
export function toolContext(editor: Editor): ToolContext {
	return {
		get viewport() {
			return editor.viewport;
		},
		get image() {
			return editor.viewport.image;
		},
		tolerance: (px) => px / editor.viewport.scale,
		shape: (id) => editor.store.get(id),
		hitTest: (p) => editor.hitTest(p),
		snap: (p, exceptId) => editor.snap(p, exceptId),
		get selectedId() {
			return editor.selectedId;
		},
		select: (id) => editor.select(id),
		setLive: (g) => editor.setLive(g),
		create: (type, geometry) => editor.createShape(type, geometry),
		update: (id, geometry) => editor.updateGeometry(id, geometry),
		hint: (text) => editor.hint(text),
		currentColor: () => editor.currentColor(),
		currentClass: () => editor.currentClass(),
		redraw: () => editor.redrawOverlay(),
		setCursor: (c) => editor.setCursor(c),
		annotations: () => editor.store.all(),
		get maskOptions() {
			return editor.maskOptions;
		},
		setMaskOptions: (patch) => editor.setMaskOptions(patch),
		get assist() {
			return editor.assist;
		}
	};
}
