/**
 * Layers of real architectures on GraphBuilder, with seeded random weights (PyTorch's default
 * initialisation bounds): the bench's stand-ins for weights that cannot be downloaded here. Latency
 * depends on the graph and tensor sizes, not on the values; `params` counts what a checkpoint holds.
 */
import { GraphBuilder } from '../../unit/support/onnx-graph';

/** xorshift32 in [0, 1): the same weights on every run. */
export class SeededRandom {
	private state: number;
	constructor(seed: number) {
		this.state = seed >>> 0 || 1;
	}
	next(): number {
		let x = this.state;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.state = x >>> 0;
		return this.state / 2 ** 32;
	}
	/** Standard normal (Box–Muller). */
	normal(): number {
		return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
	}
}

export class Layers {
	readonly g = new GraphBuilder();
	/** Parameters of the checkpoint the graph stands for (LayerNorm affine and biases included). */
	params = 0;
	constructor(readonly rng: SeededRandom) {}

	/** A weight of `dims`, uniform in ±bound; `counted` false for derived constants (positional tables). */
	uniform(dims: number[], bound: number, counted = true): string {
		const n = dims.reduce((a, b) => a * b, 1);
		const values = new Float32Array(n);
		for (let i = 0; i < n; i++) values[i] = (this.rng.next() * 2 - 1) * bound;
		if (counted) this.params += n;
		return this.g.constant({ type: 'float32', dims, values });
	}

	normal(dims: number[], counted = true): string {
		const n = dims.reduce((a, b) => a * b, 1);
		const values = new Float32Array(n);
		for (let i = 0; i < n; i++) values[i] = this.rng.normal();
		if (counted) this.params += n;
		return this.g.constant({ type: 'float32', dims, values });
	}

	filled(dims: number[], value: number, counted = true): string {
		const n = dims.reduce((a, b) => a * b, 1);
		if (counted) this.params += n;
		return this.g.constant({ type: 'float32', dims, values: new Float32Array(n).fill(value) });
	}

	/** nn.Linear on the last axis, as torch exports it: MatMul by the transposed weight, then Add. */
	linear(x: string, inDim: number, outDim: number): string {
		const bound = 1 / Math.sqrt(inDim);
		return this.g.op('Add', [this.g.op('MatMul', [x, this.uniform([inDim, outDim], bound)]), this.uniform([outDim], bound)]);
	}

	relu(x: string): string {
		return this.g.op('Relu', [x]);
	}

	/** GELU as torch exports it below opset 20: x · ½ · (1 + erf(x / √2)). */
	gelu(x: string): string {
		const g = this.g;
		const erf = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)])]);
		return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
	}

	/** SiLU as exported: x · sigmoid(x). */
	silu(x: string): string {
		return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])]);
	}

	/** nn.LayerNorm over the last axis (opset 17's LayerNormalization). */
	layerNorm(x: string, dim: number, epsilon = 1e-5): string {
		return this.g.op('LayerNormalization', [x, this.filled([dim], 1), this.filled([dim], 0)], undefined, { axis: -1, epsilon });
	}

	/** segment-anything's LayerNorm2d over channels of NCHW, traced op by op. */
	layerNorm2d(x: string, channels: number, epsilon = 1e-6): string {
		const g = this.g;
		const mean = g.op('ReduceMean', [x], undefined, { axes: [1], keepdims: 1 });
		const centred = g.op('Sub', [x, mean]);
		const variance = g.op('ReduceMean', [g.op('Pow', [centred, g.scalar(2)])], undefined, { axes: [1], keepdims: 1 });
		const normed = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, g.scalar(epsilon)])])]);
		return g.op('Add', [g.op('Mul', [normed, this.filled([channels, 1, 1], 1)]), this.filled([channels, 1, 1], 0)]);
	}

	/** Conv2d with bias (a BatchNorm folded in, as exports do); `bias` fixes the bias to one value. */
	conv(x: string, inCh: number, outCh: number, kernel: number, stride = 1, pad = Math.floor(kernel / 2), groups = 1, bias?: number): string {
		const bound = 1 / Math.sqrt((inCh / groups) * kernel * kernel);
		const w = this.uniform([outCh, inCh / groups, kernel, kernel], bound);
		const b = bias === undefined ? this.uniform([outCh], bound) : this.filled([outCh], bias);
		return this.g.op('Conv', [x, w, b], undefined, { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad], group: groups, dilations: [1, 1] });
	}

	convTranspose(x: string, inCh: number, outCh: number, kernel: number, stride: number): string {
		const bound = 1 / Math.sqrt(outCh * kernel * kernel);
		const w = this.uniform([inCh, outCh, kernel, kernel], bound);
		const b = this.uniform([outCh], bound);
		return this.g.op('ConvTranspose', [x, w, b], undefined, { kernel_shape: [kernel, kernel], strides: [stride, stride] });
	}
}
