import { Tensor } from 'onnxruntime-common';
import type { PlainTensor } from './types';

/** A session output as plain data (structured-clone safe: cacheable in IndexedDB, postable). */
export function toPlain(t: Tensor): PlainTensor {
	const type = t.type as PlainTensor['type'];
	if (!['float32', 'int64', 'int32', 'uint8', 'bool'].includes(type)) throw new Error(`Unexpected tensor type ${t.type}`);
	// Copy: the session may reuse its output buffers.
	const data = (t.data as PlainTensor['data']).slice();
	return { type, dims: [...t.dims], data };
}

export function fromPlain(p: PlainTensor): Tensor {
	return new Tensor(p.type, p.data, p.dims);
}

export function float32(data: Float32Array | number[], dims: number[]): Tensor {
	return new Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

export function int64(values: ArrayLike<number>, dims: number[]): Tensor {
	return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(Math.round(v))), dims);
}

/** A float output's values; throws a clear message when the model gave something else. */
export function floatData(t: Tensor | undefined, name: string): Float32Array {
	if (!t) throw new Error(`The model gave no "${name}" output`);
	if (t.type !== 'float32') throw new Error(`The model's "${name}" output is ${t.type}, not float32`);
	return t.data as Float32Array;
}
