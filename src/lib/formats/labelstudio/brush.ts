/**
 * Label Studio's brush RLE (thi.ng/rle-pack over the mask's RGBA bytes, row by row). The stream, most
 * significant bit first: 32 bits value count, 5 bits word size - 1, four 4-bit run-length widths - 1; then
 * chunks of 1 bit kind, 2 bits width index, that width of (length - 1), then one word repeated (kind 1) or
 * `length` literal words (kind 0). A pixel is set when its alpha byte is not 0.
 */
export function decodeBrush(rle: readonly number[], width: number, height: number): Uint8Array {
	let bit = 0;
	const read = (n: number) => {
		let v = 0;
		for (let k = 0; k < n; k++, bit++) {
			const byte = rle[bit >> 3];
			if (byte === undefined) throw new Error('the brush rle ends early');
			v = v * 2 + ((byte >> (7 - (bit & 7))) & 1);
		}
		return v;
	};
	const count = read(32);
	if (count !== width * height * 4) throw new Error(`the brush rle holds ${count} values, not ${width} × ${height} × 4`);
	const wordSize = read(5) + 1;
	const sizes = [read(4) + 1, read(4) + 1, read(4) + 1, read(4) + 1];
	const bits = new Uint8Array(width * height);
	for (let i = 0; i < count; ) {
		const repeat = read(1);
		const j = i + 1 + read(sizes[read(2)]);
		if (j > count) throw new Error('the brush rle runs past its value count');
		if (repeat) {
			const v = read(wordSize);
			if (v) for (let p = i; p < j; p++) if (p % 4 === 3) bits[p >> 2] = 1;
			i = j;
		} else
			for (; i < j; i++) {
				const v = read(wordSize);
				if (v && i % 4 === 3) bits[i >> 2] = 1;
			}
	}
	return bits;
}

const SIZES = [3, 4, 8, 16];

/** A mask (row-major bits) as Label Studio's brush RLE: RGBA 255 where set, written as repeat runs only. */
export function encodeBrush(bits: Uint8Array): number[] {
	const out: number[] = [];
	let acc = 0,
		n = 0;
	const write = (v: number, width: number) => {
		for (let k = width - 1; k >= 0; k--) {
			acc = acc * 2 + (Math.floor(v / 2 ** k) & 1);
			if (++n === 8) {
				out.push(acc);
				acc = 0;
				n = 0;
			}
		}
	};
	write(bits.length * 4, 32);
	write(7, 5);
	for (const s of SIZES) write(s - 1, 4);
	const run = (value: number, length: number) => {
		while (length > 0) {
			const chunk = Math.min(length, 2 ** 16);
			const index = SIZES.findIndex((s) => chunk - 1 < 2 ** s);
			write(1, 1);
			write(index, 2);
			write(chunk - 1, SIZES[index]);
			write(value, 8);
			length -= chunk;
		}
	};
	let start = 0;
	for (let p = 1; p <= bits.length; p++)
		if (p === bits.length || (bits[p] ? 1 : 0) !== (bits[start] ? 1 : 0)) {
			run(bits[start] ? 255 : 0, (p - start) * 4);
			start = p;
		}
	if (n) out.push(acc * 2 ** (8 - n));
	return out;
}
