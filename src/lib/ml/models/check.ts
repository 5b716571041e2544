import type { ModelFamily } from '../family';
import { signatureMismatch } from '../signature';
import { NotOnnxError, readOnnxHeader, type OnnxHeader } from './onnx-header';

/** A family and one of its roles that an ONNX file fits, e.g. SAM's 'decoder'. */
export interface RoleMatch {
	family: ModelFamily;
	role: string;
}

export type FileCheck = { ok: true; header: OnnxHeader; matches: RoleMatch[] } | { ok: false; message: string };

/** Names listed for a message: `a, b and c`. */
export function nameList(names: string[]): string {
	if (!names.length) return 'none';
	return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function roleMatches(header: OnnxHeader, families: readonly ModelFamily[]): RoleMatch[] {
	return families.flatMap((family) =>
		Object.entries(family.signature)
			.filter(([role]) => signatureMismatch(family, role, header.inputs, header.outputs) === null)
			.map(([role]) => ({ family, role }))
	);
}

function describeHeader(name: string, header: OnnxHeader): string {
	return `${name} has inputs ${nameList(header.inputs)} and outputs ${nameList(header.outputs)}`;
}

function describeRole(family: ModelFamily, role: string): string {
	const expected = family.signature[role];
	return `${family.label} ${role} needs inputs ${nameList(expected.inputs)} and outputs ${nameList(expected.outputs)}`;
}

/**
 * Accepts or refuses a model file: it must be ONNX (a ModelProto with an IR version and a graph), and
 * its inputs and outputs must fit the role asked for, or, with none asked for, some role of some family.
 */
export function checkModelFile(
	name: string,
	bytes: Uint8Array,
	families: readonly ModelFamily[],
	wanted?: { family: ModelFamily; role?: string }
): FileCheck {
	let header: OnnxHeader;
	try {
		header = readOnnxHeader(bytes);
	} catch (e) {
		if (e instanceof NotOnnxError) return { ok: false, message: `${name} is not an ONNX model (${e.message}).` };
		throw e;
	}
	if (wanted) {
		const roles = wanted.role ? [wanted.role] : Object.keys(wanted.family.signature);
		const matches = roleMatches(header, [wanted.family]).filter((m) => roles.includes(m.role));
		if (matches.length) return { ok: true, header, matches };
		return { ok: false, message: `${describeHeader(name, header)}; ${roles.map((r) => describeRole(wanted.family, r)).join('; ')}.` };
	}
	const matches = roleMatches(header, families);
	if (matches.length) return { ok: true, header, matches };
	const known = families.length ? ` Peerlabel runs: ${families.map((f) => f.label).join(', ')}.` : ' Peerlabel knows no model family yet.';
	return { ok: false, message: `${describeHeader(name, header)}, which fits no model family.${known}` };
}
