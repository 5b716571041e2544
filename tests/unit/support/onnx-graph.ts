/**
 * A small ONNX graph builder over onnx-proto's ModelProto, for the test models in onnx-models.ts.
 * Values are named exactly as the graph's inputs, outputs and intermediates; shapes may be symbolic.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'int64' | 'int32';
export type Dim = number | string;

const ELEM: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7 };

export interface ValueSpec {
	name: string;
	type: ElemType;
	shape: Dim[];
}

type AttributeValue = number | number[] | string | { floats: number[] } | { tensor: ConstTensor };

export interface ConstTensor {
	type: ElemType;
	dims: number[];
	values: number[] | Float32Array;
}

function tensorProto(name: string, t: ConstTensor): InstanceType<typeof onnx.TensorProto> {
	const proto = onnx.TensorProto.create({ name, dims: t.dims, dataType: ELEM[t.type] });
	const values = Array.from(t.values);
	if (t.type === 'float32') proto.rawData = new Uint8Array(Float32Array.from(values).buffer);
	else if (t.type === 'int32') proto.int32Data = values;
	else proto.int64Data = values;
	return proto;
}

function attribute(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
	const A = onnx.AttributeProto.AttributeType;
	if (typeof value === 'number')
		return Number.isInteger(value)
			? onnx.AttributeProto.create({ name, type: A.INT, i: value })
			: onnx.AttributeProto.create({ name, type: A.FLOAT, f: value });
	if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(value) });
	if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: value });
	if ('floats' in value) return onnx.AttributeProto.create({ name, type: A.FLOATS, floats: value.floats });
	return onnx.AttributeProto.create({ name, type: A.TENSOR, t: tensorProto('', value.tensor) });
}

function valueInfo(v: ValueSpec): InstanceType<typeof onnx.ValueInfoProto> {
	return onnx.ValueInfoProto.create({
		name: v.name,
		type: {
			tensorType: {
				elemType: ELEM[v.type],
				shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
			}
		}
	});
}

/** Collects nodes and constants; `build()` serialises the model (opset 17, IR 8). */
export class GraphBuilder {
	private nodes: InstanceType<typeof onnx.NodeProto>[] = [];
	private initializers: InstanceType<typeof onnx.TensorProto>[] = [];
	private counter = 0;

	/** A fresh intermediate name. */
	tmp(hint = 't'): string {
		return `${hint}_${this.counter++}`;
	}

	/** Adds a node; returns its first output's name. */
	op(type: string, inputs: string[], outputs: string[] | string = this.tmp(type), attrs: Record<string, AttributeValue> = {}): string {
		const out = Array.isArray(outputs) ? outputs : [outputs];
		this.nodes.push(
			onnx.NodeProto.create({
				opType: type,
				input: inputs,
				output: out,
				name: `${type}_${this.counter++}`,
				attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v))
			})
		);
		return out[0];
	}

	/** A constant (initializer); returns its name. */
	constant(t: ConstTensor, name = this.tmp('c')): string {
		this.initializers.push(tensorProto(name, t));
		return name;
	}

	f32(values: number[], dims: number[] = [values.length]): string {
		return this.constant({ type: 'float32', dims, values });
	}

	i64(values: number[], dims: number[] = [values.length]): string {
		return this.constant({ type: 'int64', dims, values });
	}

	/** A float scalar (rank 0). */
	scalar(value: number): string {
		return this.constant({ type: 'float32', dims: [], values: [value] });
	}

	build(inputs: ValueSpec[], outputs: ValueSpec[]): Uint8Array {
		const model = onnx.ModelProto.create({
			irVersion: 8,
			producerName: 'peerlabel-tests',
			opsetImport: [{ domain: '', version: 17 }],
			graph: {
				name: 'test',
				node: this.nodes,
				initializer: this.initializers,
				input: inputs.map(valueInfo),
				output: outputs.map(valueInfo)
			}
		});
		return onnx.ModelProto.encode(model).finish();
	}
}
