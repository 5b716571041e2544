import { SaxesParser } from 'saxes';
import { FormatError } from './errors';

/** An element as the readers see it: attributes under '@_name', children by name, text under '#text'. */
export type XmlNode = Record<string, unknown>;

export interface XmlShape {
	/** Elements that may repeat: always read as lists, even when there is one. */
	lists: ReadonlySet<string>;
	/** Keep attributes (CVAT) or drop them (VOC). */
	attributes: boolean;
}

interface Open {
	name: string;
	node: XmlNode;
	text: string;
	/** Has attributes or child elements: stays an object; a bare element becomes its trimmed text. */
	structured: boolean;
}

/**
 * Parses XML in one strict pass (saxes: well-formedness checked as it reads, so a truncated or broken
 * file names its line and column without a second validating pass). The tree's shape: attributes under
 * '@_name', text under '#text', an element with neither attributes nor children is its trimmed text,
 * repeated elements become lists.
 */
export function parseXml(text: string, file: string, shape: XmlShape): XmlNode {
	const root: Open = { name: '', node: {}, text: '', structured: true };
	const stack: Open[] = [root];
	const parser = new SaxesParser();
	parser.on('opentag', (tag) => {
		const node: XmlNode = {};
		let structured = false;
		if (shape.attributes)
			for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
				node[`@_${name}`] = value;
				structured = true;
			}
		stack.push({ name: tag.name, node, text: '', structured });
	});
	const addText = (t: string) => void (stack[stack.length - 1].text += t);
	parser.on('text', addText);
	parser.on('cdata', addText);
	parser.on('closetag', () => {
		const open = stack.pop()!;
		const parent = stack[stack.length - 1];
		const text = open.text.trim();
		let value: unknown = text;
		if (open.structured) {
			if (text) open.node['#text'] = text;
			value = open.node;
		}
		parent.structured = true;
		const siblings = parent.node[open.name];
		if (siblings === undefined) parent.node[open.name] = shape.lists.has(open.name) ? [value] : value;
		else if (Array.isArray(siblings)) siblings.push(value); // values are text or objects: an array is already a list
		else parent.node[open.name] = [siblings, value];
	});
	try {
		parser.write(text).close();
	} catch (e) {
		const message = e instanceof Error ? e.message.replace(/^\d+:\d+: /, '') : String(e);
		throw new FormatError(file, `line ${parser.line}, column ${parser.column}`, `is not well-formed XML (${message})`);
	}
	return root.node;
}

export type XmlValue = string | number | boolean | XmlValue[] | { [name: string]: XmlValue | undefined };

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Writes plain data as indented XML (2 spaces, one element per line): an object's keys become child
 * elements in order, an array repeats its element, text is escaped, undefined is left out.
 */
export function writeXml(name: string, value: XmlValue, depth = 0): string {
	const pad = '  '.repeat(depth);
	if (Array.isArray(value)) return value.map((item) => writeXml(name, item, depth)).join('');
	if (typeof value !== 'object') return `${pad}<${name}>${escapeXml(String(value))}</${name}>\n`;
	let children = '';
	for (const [child, v] of Object.entries(value)) if (v !== undefined) children += writeXml(child, v, depth + 1);
	return `${pad}<${name}>\n${children}${pad}</${name}>\n`;
}
