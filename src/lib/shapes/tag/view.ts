import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import type { TagGeometry } from './kind';

/** Tags are listed in the editor's tag panel, never drawn: no tool, an empty outline. */
export const tagView: ShapeView<TagGeometry> = {
	type: 'tag',
	toolLabel: 'Tag',
	toolKey: '',
	path2d() {
		return new Path2D();
	},
	paperPath(scope: paper.PaperScope) {
		return new scope.Group();
	}
};
