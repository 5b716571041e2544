/** The bench's generated models (bundled for Node by tests/bench/ml.js). */
import { GraphBuilder } from '../../unit/support/onnx-graph';
import { samDecoder } from './sam-decoder';
import { yolov8n } from './yolov8n';

export { samDecoder, yolov8n };

/**
 * Not a real encoder: input_image [1, 3, 1024, 1024] → image_embeddings [1, 256, 64, 64] as each 16 × 16
 * patch's mean, only so the SAM model is complete and the decoder gets an embedding of the right shape.
 */
export function samEncoderStandIn(): Uint8Array {
	const g = new GraphBuilder();
	const pooled = g.op('AveragePool', ['input_image'], undefined, { kernel_shape: [16, 16], strides: [16, 16] });
	const mean = g.op('ReduceMean', [pooled], undefined, { axes: [1], keepdims: 1 });
	g.op('Expand', [mean, g.i64([1, 256, 64, 64])], 'image_embeddings');
	return g.build([{ name: 'input_image', type: 'float32', shape: [1, 3, 1024, 1024] }], [{ name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] }]);
}
