/** The library's small copy of an image (a worker or the page may make it: OffscreenCanvas). */

/** Longest side of a thumbnail, in pixels. */
const THUMBNAIL_SIZE = 256;

export async function makeThumbnail(bitmap: ImageBitmap): Promise<Blob | null> {
	const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(bitmap.width, bitmap.height));
	const width = Math.max(1, Math.round(bitmap.width * scale));
	const height = Math.max(1, Math.round(bitmap.height * scale));
	const small = scale < 1 ? await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' }) : bitmap;
	try {
		const canvas = new OffscreenCanvas(width, height);
		const ctx = canvas.getContext('2d');
		if (!ctx) return null;
		ctx.drawImage(small, 0, 0, width, height);
		const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
		if (webp.type === 'image/webp') return webp;
		return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
	} finally {
		if (small !== bitmap) small.close();
	}
}

