/** Bumped when thumbnails arrive after a cell looked for them (images received from a peer). */
export const thumbnailArrivals = $state({ revision: 0 });

export function noteThumbnailsArrived(): void {
	thumbnailArrivals.revision++;
}
