/** Downscaled copies of the image so that drawing it costs about the same at every zoom. */
export const PYRAMID_FACTORS = [1 / 8, 1 / 4, 1 / 2, 1] as const;

export interface PyramidLevel {
	factor: number;
	bitmap: ImageBitmap;
}

/** The smallest level at least as detailed as `deviceScale` (device px per image px) needs, else the finest. */
export function pickLevel<T extends { factor: number }>(levels: readonly T[], deviceScale: number): T | undefined {
	const sorted = [...levels].sort((a, b) => a.factor - b.factor);
	return sorted.find((l) => l.factor >= deviceScale) ?? sorted[sorted.length - 1];
}

export class ImagePyramid {
	levels: PyramidLevel[] = [];
	private closed = false;

	/** Decodes the image once, then makes the smaller levels from it, in parallel. */
	async build(blob: Blob, onLevel: () => void): Promise<void> {
		const full = await createImageBitmap(blob);
		if (this.closed) return full.close();
		this.add({ factor: 1, bitmap: full });
		onLevel();
		await Promise.all(
			PYRAMID_FACTORS.filter((f) => f < 1).map(async (factor) => {
				const w = Math.max(1, Math.round(full.width * factor)),
					h = Math.max(1, Math.round(full.height * factor));
				const bitmap = await createImageBitmap(full, { resizeWidth: w, resizeHeight: h, resizeQuality: 'medium' });
				if (this.closed) return bitmap.close();
				this.add({ factor, bitmap });
				onLevel();
			})
		);
	}

	private add(level: PyramidLevel): void {
		this.levels.push(level);
		this.levels.sort((a, b) => a.factor - b.factor);
	}

	get complete(): boolean {
		return this.levels.length === PYRAMID_FACTORS.length;
	}

	pick(deviceScale: number): PyramidLevel | undefined {
		return pickLevel(this.levels, deviceScale);
	}

	close(): void {
		this.closed = true;
		for (const l of this.levels) l.bitmap.close();
		this.levels = [];
	}
}
