/**
 * Reads a blob forward from an offset in slices, one slice ahead of the sender, so that serving a
 * large image holds at most two slices in memory rather than the whole image.
 */
export class BlobSliceReader {
	private slices: Uint8Array<ArrayBuffer>[] = [];
	private position = 0; // within slices[0]
	private readOffset: number;
	private reading = false;
	private closed = false;
	/** Next byte to hand out. */
	offset: number;
	error: unknown = null;

	constructor(
		private readonly blob: Blob,
		offset: number,
		private readonly sliceBytes: number,
		/** Called when bytes become available or reading failed. */
		private readonly onReady: () => void
	) {
		this.offset = this.readOffset = offset;
		this.readAhead();
	}

	get size(): number {
		return this.blob.size;
	}

	get done(): boolean {
		return this.offset >= this.blob.size;
	}

	/** Bytes that `take` can hand out now without waiting. */
	get available(): number {
		return this.slices.length ? this.slices[0].byteLength - this.position : 0;
	}

	/**
	 * Bytes of the slice the next `take` reads from that earlier takes handed out: they sit just before
	 * its bytes in the same buffer, and the caller may overwrite them (the reader never reads them again).
	 */
	get spent(): number {
		return this.slices.length ? this.position : 0;
	}

	/** Up to `max` bytes (a view, valid until the next take). */
	take(max: number): Uint8Array<ArrayBuffer> {
		const slice = this.slices[0];
		const bytes = slice.subarray(this.position, this.position + max);
		this.position += bytes.byteLength;
		this.offset += bytes.byteLength;
		if (this.position >= slice.byteLength) {
			this.slices.shift();
			this.position = 0;
			this.readAhead();
		}
		return bytes;
	}

	close(): void {
		this.closed = true;
		this.slices = [];
	}

	private readAhead(): void {
		if (this.closed || this.reading || this.error || this.slices.length >= 2 || this.readOffset >= this.blob.size) return;
		this.reading = true;
		const end = Math.min(this.readOffset + this.sliceBytes, this.blob.size);
		this.blob
			.slice(this.readOffset, end)
			.arrayBuffer()
			.then(
				(buffer) => {
					this.reading = false;
					if (this.closed) return;
					if (buffer.byteLength !== end - this.readOffset) throw new Error('the stored image changed while being read');
					this.slices.push(new Uint8Array(buffer));
					this.readOffset = end;
					this.readAhead();
				}
			)
			.catch((e) => {
				this.reading = false;
				this.error = e;
			})
			.finally(() => {
				if (!this.closed) this.onReady();
			});
	}
}
