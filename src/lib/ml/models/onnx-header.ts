/**
 * Reads what a model file says about itself without loading it: ONNX files are protobuf ModelProto
 * messages. Only the fields needed to accept or refuse a file are read; tensors' bytes are skipped.
 */

export interface OnnxHeader {
	irVersion: number;
	/** The graph's inputs the caller feeds (initializers listed as inputs by old exporters left out). */
	inputs: string[];
	outputs: string[];
	/** Each output's dims as declared: a number, or null where the export left it symbolic or unset. */
	outputShapes: Record<string, (number | null)[]>;
	/** ModelProto.metadata_props, e.g. Ultralytics' names, imgsz, task, license. */
	metadata: Record<string, string>;
}

/** Why the bytes are not an ONNX model, said plainly (the caller prefixes the file's name). */
export class NotOnnxError extends Error {}

interface Field {
	number: number;
	wireType: number;
	/** Varint value (wire type 0). */
	value?: number;
	/** Bytes (wire type 2). */
	start?: number;
	end?: number;
}

class Reader {
	constructor(
		private readonly bytes: Uint8Array,
		public pos: number,
		private readonly end: number
	) {}

	done(): boolean {
		return this.pos >= this.end;
	}

	varint(): number {
		let result = 0;
		let shift = 1;
		for (let i = 0; i < 10; i++) {
			if (this.pos >= this.end) throw new NotOnnxError('it ends in the middle of a field');
			const b = this.bytes[this.pos++];
			result += (b & 0x7f) * shift; // multiplication: values may exceed 32 bits
			if (b < 0x80) return result;
			shift *= 128;
		}
		throw new NotOnnxError('it has a malformed number');
	}

	field(): Field {
		const key = this.varint();
		const number = Math.floor(key / 8);
		const wireType = key & 7;
		if (number === 0) throw new NotOnnxError('it has a field numbered 0');
		switch (wireType) {
			case 0:
				return { number, wireType, value: this.varint() };
			case 1:
				return this.skip(number, wireType, 8);
			case 5:
				return this.skip(number, wireType, 4);
			case 2: {
				const length = this.varint();
				return this.skip(number, wireType, length);
			}
			default:
				throw new NotOnnxError(`it has a field of unknown wire type ${wireType}`);
		}
	}

	private skip(number: number, wireType: number, length: number): Field {
		const start = this.pos;
		if (start + length > this.end) throw new NotOnnxError('it is cut short (a field runs past the end of the file)');
		this.pos += length;
		return { number, wireType, start, end: this.pos };
	}
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function fields(bytes: Uint8Array, start: number, end: number, visit: (f: Field) => void): void {
	const reader = new Reader(bytes, start, end);
	while (!reader.done()) visit(reader.field());
}

function stringField(bytes: Uint8Array, start: number, end: number, number: number): string | undefined {
	let found: string | undefined;
	fields(bytes, start, end, (f) => {
		if (f.number === number && f.wireType === 2) found = decoder.decode(bytes.subarray(f.start, f.end));
	});
	return found;
}

/** TypeProto.tensor_type (1) → Tensor.shape (2) → TensorShapeProto.dim (1) → dim_value (1) | dim_param (2). */
function tensorShape(bytes: Uint8Array, valueInfo: Field): (number | null)[] | undefined {
	let type: Field | undefined, tensor: Field | undefined, shape: Field | undefined;
	fields(bytes, valueInfo.start!, valueInfo.end!, (f) => void (f.number === 2 && f.wireType === 2 && (type = f)));
	if (type) fields(bytes, type.start!, type.end!, (f) => void (f.number === 1 && f.wireType === 2 && (tensor = f)));
	if (tensor) fields(bytes, tensor.start!, tensor.end!, (f) => void (f.number === 2 && f.wireType === 2 && (shape = f)));
	if (!shape) return undefined;
	const dims: (number | null)[] = [];
	fields(bytes, shape.start!, shape.end!, (dim) => {
		if (dim.number !== 1 || dim.wireType !== 2) return;
		let value: number | null = null;
		fields(bytes, dim.start!, dim.end!, (f) => {
			// A negative int64 reads as a huge varint: as unknown as a symbolic dim.
			if (f.number === 1 && f.wireType === 0 && f.value! > 0 && f.value! < 2 ** 31) value = f.value!;
		});
		dims.push(value);
	});
	return dims;
}

// Field numbers of onnx.proto: ModelProto.ir_version = 1, .graph = 7, .metadata_props = 14;
// StringStringEntryProto.key = 1, .value = 2; GraphProto.initializer = 5, .input = 11, .output = 12;
// ValueInfoProto.name = 1, .type = 2; TensorProto.name = 8.
export function readOnnxHeader(bytes: Uint8Array): OnnxHeader {
	if (bytes.length < 8) throw new NotOnnxError(`it is only ${bytes.length} bytes long`);
	let irVersion: number | undefined;
	let graph: Field | undefined;
	const metadata: Record<string, string> = {};
	fields(bytes, 0, bytes.length, (f) => {
		if (f.number === 1 && f.wireType === 0) irVersion = f.value;
		else if (f.number === 7 && f.wireType === 2) graph = f;
		else if (f.number === 14 && f.wireType === 2) {
			const key = stringField(bytes, f.start!, f.end!, 1);
			if (key !== undefined) metadata[key] = stringField(bytes, f.start!, f.end!, 2) ?? '';
		}
	});
	if (irVersion === undefined || irVersion < 1 || irVersion > 100) throw new NotOnnxError('it has no ONNX IR version');
	if (!graph) throw new NotOnnxError('it has no graph');
	const inputs: string[] = [];
	const outputs: string[] = [];
	const outputShapes: Record<string, (number | null)[]> = {};
	const initializers = new Set<string>();
	fields(bytes, graph.start!, graph.end!, (f) => {
		if (f.wireType !== 2) return;
		if (f.number === 11 || f.number === 12) {
			const name = stringField(bytes, f.start!, f.end!, 1);
			if (name === undefined) throw new NotOnnxError(`its graph has an ${f.number === 11 ? 'input' : 'output'} without a name`);
			(f.number === 11 ? inputs : outputs).push(name);
			const shape = f.number === 12 ? tensorShape(bytes, f) : undefined;
			if (shape) outputShapes[name] = shape;
		} else if (f.number === 5) {
			const name = stringField(bytes, f.start!, f.end!, 8);
			if (name !== undefined) initializers.add(name);
		}
	});
	if (!outputs.length) throw new NotOnnxError('its graph has no outputs');
	return { irVersion, inputs: inputs.filter((n) => !initializers.has(n)), outputs, outputShapes, metadata };
}
