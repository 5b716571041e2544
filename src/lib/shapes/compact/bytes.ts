/**
 * Byte streams of the compact geometry layout: unsigned LEB128 varints of whole numbers up to 2^53
 * (arithmetic, not bit operators, which stop at 32 bits), zigzag for signed ones, little-endian float64.
 * The reader never throws: it latches the first failure and returns 0 from then on, so a decoder can
 * read straight through garbage and check `failed` once.
 */

/** Largest whole number a varint may carry (exact in a double). */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;
/** A varint of MAX_VARINT takes 8 bytes; a 9th is refused, so a run of 0x80 bytes costs bounded work. */
const MAX_VARINT_BYTES = 8;

/** One float64's bytes, for converting without a DataView per number (everything here is synchronous). */
const FLOAT = new Float64Array(1);
const FLOAT_BYTES = new Uint8Array(FLOAT.buffer);
/** A writer reset for the next value keeps a buffer up to this size. */
const KEPT_BUFFER_BYTES = 64 * 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class ByteWriter {
	private buf: Uint8Array;
	private at = 0;

	/** `capacity`: the bytes expected (it grows as needed). */
	constructor(capacity = 64) {
		this.buf = new Uint8Array(capacity);
	}

	private room(n: number): void {
		if (this.at + n <= this.buf.length) return;
		const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
		next.set(this.buf.subarray(0, this.at));
		this.buf = next;
	}

	byte(b: number): void {
		this.room(1);
		this.buf[this.at++] = b;
	}

	/** n: a whole number in [0, MAX_VARINT] (callers check). */
	uint(n: number): void {
		this.room(MAX_VARINT_BYTES);
		while (n >= 0x80) {
			this.buf[this.at++] = (n % 0x80) | 0x80;
			n = Math.floor(n / 0x80);
		}
		this.buf[this.at++] = n;
	}

	/** n: a whole number with |n| ≤ MAX_VARINT / 2 (so its zigzag fits). */
	int(n: number): void {
		this.uint(n < 0 ? -2 * n - 1 : 2 * n);
	}

	float64(v: number): void {
		this.room(8);
		FLOAT[0] = v;
		for (let i = 0; i < 8; i++) this.buf[this.at++] = FLOAT_BYTES[LITTLE_ENDIAN ? i : 7 - i];
	}

	/** n: a whole number below 256^bytes, in `bytes` ≤ 6 little-endian bytes. */
	littleEndian(n: number, bytes: number): void {
		this.room(bytes);
		for (let i = 0; i < bytes; i++, n = Math.floor(n / 256)) this.buf[this.at++] = n % 256;
	}

	raw(bytes: Uint8Array): void {
		this.room(bytes.length);
		// A loop beats TypedArray.set for the few bytes of an id or a name.
		if (bytes.length <= 32) for (let i = 0; i < bytes.length; i++) this.buf[this.at++] = bytes[i];
		else {
			this.buf.set(bytes, this.at);
			this.at += bytes.length;
		}
	}

	/** The bytes written, as a copy of their own (the writer can be reset and used again). */
	done(): Uint8Array {
		return this.buf.slice(0, this.at);
	}

	/** Starts over, keeping the buffer (unless one large value grew it): a writer used for one value after another allocates once. */
	reset(): void {
		this.at = 0;
		if (this.buf.length > KEPT_BUFFER_BYTES) this.buf = new Uint8Array(KEPT_BUFFER_BYTES);
	}
}

export class ByteReader {
	private at = 0;
	/** The first reason reading failed, or null. */
	failed: string | null = null;

	/** `what`: the bytes' name in the reasons given (the geometry's, a record's). */
	constructor(
		private readonly buf: Uint8Array,
		private readonly what = 'the geometry bytes'
	) {}

	get remaining(): number {
		return this.buf.length - this.at;
	}

	fail(reason: string): void {
		this.failed ??= reason;
	}

	byte(): number {
		if (this.failed) return 0;
		if (this.at >= this.buf.length) {
			this.fail(`${this.what} end too early`);
			return 0;
		}
		return this.buf[this.at++];
	}

	uint(): number {
		let n = 0;
		let scale = 1;
		for (let i = 0; i < MAX_VARINT_BYTES; i++) {
			const b = this.byte();
			if (this.failed) return 0;
			n += (b & 0x7f) * scale;
			if (b < 0x80) {
				if (n > MAX_VARINT) break;
				// A last byte of 0 after others is a second spelling of a smaller number: one spelling only.
				if (b === 0 && i > 0) {
					this.fail(`a number in ${this.what} is not in its shortest form`);
					return 0;
				}
				return n;
			}
			scale *= 0x80;
		}
		this.fail(`a number in ${this.what} is too large`);
		return 0;
	}

	int(): number {
		const z = this.uint();
		return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
	}

	float64(): number {
		if (this.failed) return 0;
		if (this.remaining < 8) {
			this.fail(`${this.what} end too early`);
			return 0;
		}
		for (let i = 0; i < 8; i++) FLOAT_BYTES[LITTLE_ENDIAN ? i : 7 - i] = this.buf[this.at++];
		return FLOAT[0];
	}

	/** A whole number of `n` ≤ 6 little-endian bytes (an id's half). */
	littleEndian(n: number): number {
		if (this.failed) return 0;
		if (this.remaining < n) {
			this.fail(`${this.what} end too early`);
			return 0;
		}
		let v = 0;
		for (let i = 0, scale = 1; i < n; i++, scale *= 256) v += this.buf[this.at++] * scale;
		return v;
	}

	raw(n: number): Uint8Array {
		if (this.failed) return new Uint8Array(0);
		if (n > this.remaining) {
			this.fail(`${this.what} end too early`);
			return new Uint8Array(0);
		}
		const out = this.buf.subarray(this.at, this.at + n);
		this.at += n;
		return out;
	}
}
