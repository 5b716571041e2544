import type { PlainTensor } from '../types';
import type { ModelManifest } from '../types';
import type { ProbeResult, RequestOf } from './protocol';
import { readModelFile } from './registry';
import { loadModel, ort } from './runtime';

/**
 * One raw run of one ONNX file of a model on the backend asked for: the WebGPU-against-WASM check and
 * the benchmark use it to see the runtime itself, without an adapter's pre- and post-processing.
 */
export async function probe(manifest: ModelManifest, request: RequestOf<'probe'>): Promise<ProbeResult> {
	const runtime = await ort();
	const t0 = performance.now();
	const model = await loadModel(manifest, request.backend, readModelFile);
	const loadMs = performance.now() - t0;
	const session = model.sessions[request.role];
	if (!session) throw new Error(`${manifest.name} has no ONNX file for the role "${request.role}".`);
	const feeds = Object.fromEntries(Object.entries(request.feeds).map(([name, t]) => [name, new runtime.Tensor(t.type, t.data, t.dims)]));
	const t1 = performance.now();
	const results = await session.run(feeds);
	const runMs = performance.now() - t1;
	const outputs: Record<string, PlainTensor> = {};
	for (const [name, tensor] of Object.entries(results)) {
		outputs[name] = { type: tensor.type as PlainTensor['type'], dims: [...tensor.dims], data: (await tensor.getData()) as PlainTensor['data'] };
		tensor.dispose();
	}
	return { outputs, backend: model.backend, loadMs, runMs };
}
