import type { AttributeSpec, AttributeValue } from '$lib/model/records';
import { decodeMask } from '$lib/shapes/mask/rle';
import { unhandledShape } from '$lib/shapes/convert';
import { polygonParts } from '$lib/shapes/polygon/kind';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass, JsonValue } from '../dataset';
import { annotationsByImage, attributeText, imageFilesOf } from '../dataset-builder';
import { utf8 } from '../files';
import { assignIds, ownFields, ownId } from '../ids';
import { IMAGE_KNOWN, keptAttributes, LABEL_KNOWN, XML_NAME, nextZ, SHAPE_DEFAULTS, SHAPE_KNOWN, TAG_DEFAULTS } from './kept';
import { svgOfTemplate } from './skeleton-svg';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Shortest text that reads back as the same double. */
const num = (v: number) => String(v);
function pts(p: readonly number[]): string {
	let out = '';
	for (let i = 0; i + 1 < p.length; i += 2) out += `${i ? ';' : ''}${num(p[i])},${num(p[i + 1])}`;
	return out;
}

const INPUT_TYPE: Record<AttributeSpec['kind'], string> = { select: 'select', multiselect: 'text', checkbox: 'checkbox', number: 'number', text: 'text' };

function labelXml(c: DatasetClass, id: number | string | undefined): string[] {
	const attrs = (c.attributes ?? []).map((s) => {
		const values = s.kind === 'checkbox' ? ['false', 'true'] : s.kind === 'number' ? [s.min ?? 0, s.max ?? 1e9, 1].map(String) : s.options;
		const def = s.default === null || s.default === undefined ? (s.kind === 'checkbox' ? 'false' : s.kind === 'number' ? String(s.min ?? 0) : (values[0] ?? '')) : attributeText(s.default);
		return `          <attribute>\n            <name>${esc(s.name)}</name>\n            <mutable>False</mutable>\n            <input_type>${INPUT_TYPE[s.kind]}</input_type>\n            <default_value>${esc(def)}</default_value>\n            <values>${esc(values.join('\n'))}</values>\n          </attribute>`;
	});
	const kept = ownFields('cvat', c.imported);
	// A kept shape type ('rectangle', 'polygon'…) stands while the class is not a skeleton.
	const type = c.skeleton ? 'skeleton' : typeof kept.type === 'string' && kept.type !== 'skeleton' ? kept.type : 'any';
	const out = [
		'      <label>',
		...(id !== undefined ? [`        <id>${esc(String(id))}</id>`] : []),
		`        <name>${esc(c.name)}</name>`,
		...(c.color ? [`        <color>${c.color}</color>`] : []),
		`        <type>${esc(type)}</type>`,
		attrs.length ? `        <attributes>\n${attrs.join('\n')}\n        </attributes>` : '        <attributes>\n        </attributes>',
		...keptElements(kept)
	];
	if (c.skeleton) out.push(`        <svg>${esc(svgOfTemplate(c.skeleton))}</svg>`);
	out.push('      </label>');
	for (const p of c.skeleton?.points ?? [])
		out.push('      <label>', `        <name>${esc(p.name)}</name>`, '        <type>points</type>', '        <attributes>\n        </attributes>', `        <parent>${esc(c.name)}</parent>`, '      </label>');
	return out;
}

/** A label's other kept plain elements, as read (`type` is written above; names checked as in keptAttributes). */
function keptElements(kept: Record<string, JsonValue>): string[] {
	return Object.entries(kept)
		.filter(([name, v]) => name !== 'type' && !LABEL_KNOWN.has(name) && XML_NAME.test(name) && typeof v === 'string')
		.map(([name, v]) => `        <${name}>${esc(v as string)}</${name}>`);
}

function attributeXml(values: Record<string, AttributeValue> | undefined, indent: string): string {
	return Object.entries(values ?? {})
		.map(([name, v]) => `\n${indent}<attribute name="${esc(name)}">${esc(Array.isArray(v) ? v.join(';') : String(v))}</attribute>`)
		.join('');
}

/** CVAT's mask rle: row-major runs over the crop, alternating 0 and 1, starting with 0. */
export function bitsToCvatRle(bits: Uint8Array): string {
	const runs: number[] = [];
	let current = 0,
		n = 0;
	for (const b of bits) {
		const v = b ? 1 : 0;
		if (v !== current) {
			runs.push(n);
			current = v;
			n = 0;
		}
		n++;
	}
	runs.push(n);
	return runs.join(', ');
}

/** CVAT's own values for a shape that kept none, as fields and as the attribute text they make. */
interface ShapeDefaults {
	fields: Readonly<Record<string, string>>;
	text: string;
}
const shapeDefaults = (fields: Readonly<Record<string, string>>): ShapeDefaults => ({ fields, text: keptAttributes(fields, new Set(), esc) });
const FOR_SHAPES = shapeDefaults(SHAPE_DEFAULTS);
const FOR_TAGS = shapeDefaults(TAG_DEFAULTS);

/** The shape's attributes besides its geometry: label, kept fields (CVAT's defaults where none), z_order, group_id. */
function commonAttributes(a: DatasetAnnotation, z: number | undefined, group: number | undefined, defaults: ShapeDefaults): string {
	const own = a.imported?.format === 'cvat' ? a.imported.fields : undefined;
	// Most shapes were drawn here or kept nothing: their defaults are one constant string.
	const kept = own ? keptAttributes({ ...defaults.fields, ...own }, SHAPE_KNOWN, esc) : defaults.text;
	return `label="${esc(a.className)}"${kept}${z !== undefined ? ` z_order="${z}"` : ''}${group !== undefined ? ` group_id="${num(group)}"` : ''}`;
}

function shapeXml(a: DatasetAnnotation, z: number, group: number | undefined, warnings: string[]): string {
	const common = commonAttributes(a, z, group, FOR_SHAPES);
	const inner = attributeXml(a.attributes, '      ');
	const el = (tag: string, attrs: string, body = inner) => `    <${tag} ${common}${attrs ? ' ' + attrs : ''}>${body}${body ? '\n    ' : ''}</${tag}>`;
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return el('box', `xtl="${num(g.x)}" ytl="${num(g.y)}" xbr="${num(g.x + g.width)}" ybr="${num(g.y + g.height)}"`);
		}
		case 'rotatedBox': {
			const g = a.geometry;
			const rotation = g.angle < 0 ? g.angle + 360 : g.angle;
			return el('box', `xtl="${num(g.cx - g.width / 2)}" ytl="${num(g.cy - g.height / 2)}" xbr="${num(g.cx + g.width / 2)}" ybr="${num(g.cy + g.height / 2)}" rotation="${num(rotation)}"`);
		}
		case 'polygon': {
			// Each part is a <polygon>; the parts share the group_id that groupIdsOf gave them.
			const parts = polygonParts(a.geometry);
			if (parts.some((p) => p.holes?.length)) warnings.push(`${a.image}: a polygon of "${a.className}" has holes, which CVAT polygons cannot carry; written without them`);
			return parts.map((p) => el('polygon', `points="${pts(p.points)}"`)).join('\n');
		}
		case 'polyline':
			return el('polyline', `points="${pts(a.geometry.points)}"`);
		case 'keypoint': {
			const g = a.geometry;
			return el('points', `points="${num(g.x)},${num(g.y)}"`);
		}
		case 'ellipse': {
			const g = a.geometry;
			const rotation = g.angle < 0 ? g.angle + 360 : g.angle;
			return el('ellipse', `cx="${num(g.cx)}" cy="${num(g.cy)}" rx="${num(g.rx)}" ry="${num(g.ry)}"${rotation ? ` rotation="${num(rotation)}"` : ''}`);
		}
		case 'cuboid': {
			const p = a.geometry.points;
			const face = (s: string, o: number) =>
				`xtl${s}="${num(p[o])}" ytl${s}="${num(p[o + 1])}" xtr${s}="${num(p[o + 2])}" ytr${s}="${num(p[o + 3])}" xbr${s}="${num(p[o + 4])}" ybr${s}="${num(p[o + 5])}" xbl${s}="${num(p[o + 6])}" ybl${s}="${num(p[o + 7])}"`;
			return el('cuboid', `${face('1', 0)} ${face('2', 8)}`);
		}
		case 'mask': {
			const g = a.geometry;
			const bits = decodeMask(g.rle, g.width, g.height);
			return el('mask', `rle="${bitsToCvatRle(bits)}" left="${g.x}" top="${g.y}" width="${g.width}" height="${g.height}"`);
		}
		case 'skeleton':
			return '';
		case 'tag':
			return `    <tag ${commonAttributes(a, undefined, undefined, FOR_TAGS)}>${inner}${inner ? '\n    ' : ''}</tag>`;
		default:
			return unhandledShape(a);
	}
}

function skeletonXml(a: Extract<DatasetAnnotation, { type: 'skeleton' }>, c: DatasetClass | undefined, z: number, group: number | undefined): string {
	const g = a.geometry;
	const names = c?.skeleton?.points.map((p) => p.name) ?? g.visibility.map((_, i) => String(i + 1));
	const nodes = g.visibility.map((v, i) => {
		const attrs = `label="${esc(names[i] ?? String(i + 1))}" source="manual" outside="${v === 0 ? 1 : 0}" occluded="${v === 1 ? 1 : 0}" points="${num(g.points[i * 2])},${num(g.points[i * 2 + 1])}"`;
		return `\n      <points ${attrs}>\n      </points>`;
	});
	return `    <skeleton ${commonAttributes(a, z, group, FOR_TAGS)}>${nodes.join('')}${attributeXml(a.attributes, '      ')}\n    </skeleton>`;
}

const isGroup = (v: number | undefined): v is number => v !== undefined && Number.isSafeInteger(v) && v > 0;

/**
 * Each annotation's group_id: its instance id, except that CVAT reads polygons of one label sharing a
 * group_id as the parts of one object, so each polygon gets a group no other polygon of its label on the
 * image has, and a multi-part polygon always has one: a new id above every instance id on the image.
 */
function groupIdsOf(list: readonly DatasetAnnotation[]): (number | undefined)[] {
	let next = 1;
	for (const a of list) if (isGroup(a.instanceId) && a.instanceId >= next) next = a.instanceId + 1;
	const taken = new Set<string>();
	return list.map((a) => {
		if (a.type !== 'polygon') return a.instanceId;
		const multi = (a.geometry.parts?.length ?? 0) > 0;
		let group = a.instanceId;
		if (group !== undefined && taken.has(`${a.className}\u0000${group}`)) group = next++;
		else if (multi && !isGroup(group)) group = next++;
		if (group !== undefined) taken.add(`${a.className}\u0000${group}`);
		return group;
	});
}

/**
 * z_order per annotation: the kept ones, when they do not fall along the order the annotations are in
 * (one that kept none gets nextZ), else the positions; either way reading sorts them back into this
 * order (ties are read back in the order CVAT's reader and ours keep). Tags have none.
 */
function zOrdersOf(list: readonly DatasetAnnotation[]): number[] {
	const zs: number[] = [];
	let previous: number | undefined;
	for (const a of list) {
		if (a.type === 'tag') {
			zs.push(0);
			continue;
		}
		const kept = a.imported?.format === 'cvat' ? a.imported.fields?.z_order : undefined;
		const z = kept === undefined ? nextZ(previous) : Number(kept);
		if (!Number.isSafeInteger(z) || (previous !== undefined && z < previous)) return list.map((_, i) => i);
		zs.push((previous = z));
	}
	return zs;
}

export function writeCvat(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const byImage = annotationsByImage(d);
	const classes = new Map(d.classes.map((c) => [c.name, c]));
	const out = ['<?xml version="1.0" encoding="utf-8"?>', '<annotations>', '  <version>1.1</version>', '  <meta>', '    <task>', `    <size>${d.images.length}</size>`, '    <mode>annotation</mode>', '    <labels>'];
	// Label ids are written only when the file they came from had them.
	const labelIds = d.classes.some((c) => ownId('cvat', c.imported) !== undefined) ? assignIds('cvat', d.classes.map((c) => c.imported)) : [];
	d.classes.forEach((c, i) => out.push(...labelXml(c, labelIds[i])));
	out.push('    </labels>', '    </task>', '  </meta>');
	// CVAT numbers images from 0; imported images keep theirs.
	const imageIds = assignIds('cvat', d.images.map((i) => i.imported), 0);
	d.images.forEach((img, i) => {
		const split = img.split ? ` subset="${esc(img.split)}"` : '';
		const kept = keptAttributes(ownFields('cvat', img.imported), IMAGE_KNOWN, esc);
		out.push(`  <image id="${esc(String(imageIds[i]))}" name="${esc(img.name)}" width="${img.width}" height="${img.height}"${split}${kept}>`);
		const list = byImage.get(img.name) ?? [];
		const groups = groupIdsOf(list);
		const zs = zOrdersOf(list);
		list.forEach((a, k) => {
			out.push(a.type === 'skeleton' ? skeletonXml(a, classes.get(a.className), zs[k], groups[k]) : shapeXml(a, zs[k], groups[k], warnings));
		});
		out.push('  </image>');
	});
	out.push('</annotations>', '');
	const files = [{ path: 'annotations.xml', bytes: utf8(out.join('\n')) }];
	if (options.includeImages) files.push(...imageFilesOf(d, 'images'));
	return { files, skipped: {}, warnings };
}
