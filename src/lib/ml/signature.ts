import type { ModelFamily } from './family';

/** Names an adapter uses when a model has them, beyond its signature (some SAM 2 exports' orig_im_size, low_res_masks). */
const OPTIONAL_NAMES: Record<string, Record<string, string[]>> = {
	sam2: { decoder: ['orig_im_size', 'low_res_masks'] }
};

function list(names: readonly string[]): string {
	return names.length ? names.map((n) => `"${n}"`).join(', ') : 'none';
}

/**
 * Why an ONNX file cannot be `role` of `family`, or null when it fits: its input and output names must
 * be the signature's (an input the adapter does not feed would fail the run; an extra output means
 * another layout, e.g. a YOLO segmenter's output1 offered as a detector). The message names what was
 * expected and what the file has, so the user sees which export they dropped.
 */
export function signatureMismatch(family: ModelFamily, role: string, inputNames: readonly string[], outputNames: readonly string[]): string | null {
	const expected = family.signature[role];
	if (!expected) return `${family.label} has no "${role}" file (it takes ${list(Object.keys(family.signature))})`;
	const optional = OPTIONAL_NAMES[family.family]?.[role] ?? [];
	const same = (want: readonly string[], have: readonly string[]) =>
		want.every((n) => have.includes(n)) && have.every((n) => want.includes(n) || optional.includes(n));
	if (same(expected.inputs, inputNames) && same(expected.outputs, outputNames)) return null;
	return (
		`This file is not a ${family.label} ${role}: expected inputs ${list(expected.inputs)} and outputs ${list(expected.outputs)}, ` +
		`found inputs ${list(inputNames)} and outputs ${list(outputNames)}`
	);
}
