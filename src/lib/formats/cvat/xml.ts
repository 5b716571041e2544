import { parseXml, type XmlNode } from '../xml';

export type { XmlNode };

/** Elements that may repeat: always read as lists. */
const LISTS = new Set(['image', 'box', 'polygon', 'polyline', 'points', 'ellipse', 'cuboid', 'mask', 'skeleton', 'tag', 'attribute', 'label', 'track', 'task']);

/** Parses CVAT XML: attributes under '@_name', text under '#text'; a file that is not well formed names the line. */
export function parseCvatXml(text: string, file: string): XmlNode {
	return parseXml(text, file, { lists: LISTS, attributes: true });
}

export function list(v: unknown): XmlNode[] {
	return Array.isArray(v) ? (v.map((x) => (x && typeof x === 'object' ? x : { '#text': x })) as XmlNode[]) : [];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
	const v = node?.[name];
	if (Array.isArray(v)) return child({ [name]: v[0] }, name);
	return v && typeof v === 'object' ? (v as XmlNode) : undefined;
}

/** Text of a child element ('' when absent or empty). */
export function textOfChild(node: XmlNode | undefined, name: string): string {
	const v = node?.[name];
	const one = Array.isArray(v) ? v[0] : v;
	if (one === undefined || one === null) return '';
	if (typeof one === 'object') return String((one as XmlNode)['#text'] ?? '');
	return String(one);
}
