import { getImageBlob } from '$lib/storage/blobs';
import { thumbnailBlob } from '$lib/ui/library/thumbnails';

/**
 * The picture a compare view draws shapes over: the image's bytes when this device has them, else its
 * thumbnail (stretched to the image's size: the shapes still sit where they are), else nothing (the
 * view draws a plain backdrop). Never fetched from a peer here: the editor does that when the image opens.
 */
export async function imagePicture(hash: string): Promise<{ blob: Blob; full: boolean } | null> {
	try {
		const full = await getImageBlob(hash);
		if (full) return { blob: full, full: true };
	} catch {
		// unreadable here: try the thumbnail
	}
	const thumb = await thumbnailBlob(hash).catch(() => null);
	return thumb ? { blob: thumb, full: false } : null;
}
