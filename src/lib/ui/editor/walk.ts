/**
 * The images the editor's next/previous (D/F) go through (issue 15): the library's list the image was
 * opened from ("My work", a filter), when it holds this image, in its order, without images deleted
 * since; else every image of the project.
 */
export interface WalkPlace {
	ids: string[];
	/** This image's index in `ids` (-1: not in it). */
	position: number;
	/** The list's name ("My work"); null: every image. */
	label: string | null;
}

export function walkOf(images: readonly { id: string }[], imageId: string, walk: { label: string; ids: readonly string[] } | null): WalkPlace {
	if (walk && walk.ids.includes(imageId)) {
		const exists = new Set(images.map((i) => i.id));
		const ids = walk.ids.filter((id) => exists.has(id));
		return { ids, position: ids.indexOf(imageId), label: walk.label };
	}
	const ids = images.map((i) => i.id);
	return { ids, position: ids.indexOf(imageId), label: null };
}
