/**
 * COCO run-length encoding, byte for byte as pycocotools (cocoapi common/maskApi.c) computes it, so the
 * document stays compact and a COCO export can copy the string as is.
 *
 * Runs go down each column, columns left to right (column-major), and start with a run of zeros. The
 * string form (`rleToString`): each run, after the second, is stored as its difference from the run two
 * before; each number is written in 5-bit groups, low first, with 0x20 meaning "more groups follow" and
 * 0x10 of the last group its sign; each group is offset by 48 into printable ASCII.
 */

/** Run lengths → COCO's compressed string (pycocotools' rleToString). */
export function runsToString(runs: readonly number[]): string {
	let s = '';
	for (let i = 0; i < runs.length; i++) {
		let x = runs[i];
		if (i > 2) x -= runs[i - 2];
		let more = true;
		while (more) {
			let c = x & 0x1f;
			// An arithmetic shift that stays exact past 32 bits.
			x = Math.floor(x / 32);
			more = c & 0x10 ? x !== -1 : x !== 0;
			if (more) c |= 0x20;
			s += String.fromCharCode(c + 48);
		}
	}
	return s;
}

/** COCO's compressed string → run lengths (pycocotools' rleFrString); throws on characters it never writes. */
export function stringToRuns(s: string): number[] {
	const runs: number[] = [];
	let p = 0;
	while (p < s.length) {
		let x = 0;
		let k = 0;
		let more = true;
		while (more) {
			if (p >= s.length) throw new Error('The mask encoding ends in the middle of a number');
			const c = s.charCodeAt(p) - 48;
			if (c < 0 || c > 63) throw new Error('The mask encoding has a character COCO never writes');
			x += (c & 0x1f) * 32 ** k;
			more = (c & 0x20) !== 0;
			p++;
			k++;
			if (!more && c & 0x10) x -= 32 ** k; // sign-extend the last group
		}
		if (runs.length > 2) x += runs[runs.length - 2];
		runs.push(x);
	}
	return runs;
}

/** Row-major bits (width × height, non-zero = set) → column-major runs starting with a 0-run. */
export function maskToRuns(bits: Uint8Array, width: number, height: number): number[] {
	const runs: number[] = [];
	let current = 0;
	let length = 0;
	for (let x = 0; x < width; x++) {
		for (let y = 0; y < height; y++) {
			const v = bits[y * width + x] ? 1 : 0;
			if (v !== current) {
				runs.push(length);
				current = v;
				length = 0;
			}
			length++;
		}
	}
	runs.push(length);
	return runs;
}

/** Column-major runs → row-major bits; throws when the runs do not cover width × height exactly. */
export function runsToMask(runs: readonly number[], width: number, height: number): Uint8Array {
	const size = width * height;
	const bits = new Uint8Array(size);
	let i = 0; // position in column-major order
	for (let r = 0; r < runs.length; r++) {
		const n = runs[r];
		if (!Number.isInteger(n) || n < 0) throw new Error('The mask encoding has a negative run');
		if (i + n > size) throw new Error('The mask encoding has more pixels than its size');
		if (r % 2 === 1)
			for (let j = i; j < i + n; j++) bits[(j % height) * width + Math.floor(j / height)] = 1;
		i += n;
	}
	if (i !== size) throw new Error('The mask encoding has fewer pixels than its size');
	return bits;
}

/** Row-major bits → COCO's compressed string. */
export function encodeMask(bits: Uint8Array, width: number, height: number): string {
	return runsToString(maskToRuns(bits, width, height));
}

/** COCO's compressed string → row-major bits; throws when it does not describe exactly width × height pixels. */
export function decodeMask(rle: string, width: number, height: number): Uint8Array {
	return runsToMask(stringToRuns(rle), width, height);
}
