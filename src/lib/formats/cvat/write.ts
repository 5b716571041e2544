import type { AttributeSpec, AttributeValue } from '$lib/model/records';
import { decodeMask } from '$lib/shapes/mask/rle';
import { unhandledShape } from '$lib/shapes/convert';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass } from '../dataset';
import { annotationsByImage, attributeText, imageFilesOf } from '../dataset-builder';
import { utf8 } from '../files';
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

function labelXml(c: DatasetClass): string[] {
	const attrs = (c.attributes ?? []).map((s) => {
		const values = s.kind === 'checkbox' ? ['false', 'true'] : s.kind === 'number' ? [s.min ?? 0, s.max ?? 1e9, 1].map(String) : s.options;
		const def = s.default === null || s.default === undefined ? (s.kind === 'checkbox' ? 'false' : s.kind === 'number' ? String(s.min ?? 0) : (values[0] ?? '')) : attributeText(s.default);
		return `          <attribute>\n            <name>${esc(s.name)}</name>\n            <mutable>False</mutable>\n            <input_type>${INPUT_TYPE[s.kind]}</input_type>\n            <default_value>${esc(def)}</default_value>\n            <values>${esc(values.join('\n'))}</values>\n          </attribute>`;
	});
	const out = [
		'      <label>',
		`        <name>${esc(c.name)}</name>`,
		...(c.color ? [`        <color>${c.color}</color>`] : []),
		`        <type>${c.skeleton ? 'skeleton' : 'any'}</type>`,
		attrs.length ? `        <attributes>\n${attrs.join('\n')}\n        </attributes>` : '        <attributes>\n        </attributes>'
	];
	if (c.skeleton) out.push(`        <svg>${esc(svgOfTemplate(c.skeleton))}</svg>`);
	out.push('      </label>');
	for (const p of c.skeleton?.points ?? [])
		out.push('      <label>', `        <name>${esc(p.name)}</name>`, '        <type>points</type>', '        <attributes>\n        </attributes>', `        <parent>${esc(c.name)}</parent>`, '      </label>');
	return out;
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

function shapeXml(a: DatasetAnnotation, z: number, warnings: string[]): string {
	const common = `label="${esc(a.className)}" source="manual" occluded="0" z_order="${z}"${a.instanceId !== undefined ? ` group_id="${a.instanceId}"` : ''}`;
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
			const g = a.geometry;
			if (g.holes?.length) warnings.push(`${a.image}: a polygon of "${a.className}" has holes, which CVAT polygons cannot carry; written without them`);
			return el('polygon', `points="${pts(g.points)}"`);
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
			return `    <tag label="${esc(a.className)}" source="manual">${inner}${inner ? '\n    ' : ''}</tag>`;
		default:
			return unhandledShape(a);
	}
}

function skeletonXml(a: Extract<DatasetAnnotation, { type: 'skeleton' }>, c: DatasetClass | undefined, z: number): string {
	const g = a.geometry;
	const names = c?.skeleton?.points.map((p) => p.name) ?? g.visibility.map((_, i) => String(i + 1));
	const nodes = g.visibility.map((v, i) => {
		const attrs = `label="${esc(names[i] ?? String(i + 1))}" source="manual" outside="${v === 0 ? 1 : 0}" occluded="${v === 1 ? 1 : 0}" points="${num(g.points[i * 2])},${num(g.points[i * 2 + 1])}"`;
		return `\n      <points ${attrs}>\n      </points>`;
	});
	const group = a.instanceId !== undefined ? ` group_id="${a.instanceId}"` : '';
	return `    <skeleton label="${esc(a.className)}" source="manual" z_order="${z}"${group}>${nodes.join('')}${attributeXml(a.attributes, '      ')}\n    </skeleton>`;
}

export function writeCvat(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const byImage = annotationsByImage(d);
	const classes = new Map(d.classes.map((c) => [c.name, c]));
	const out = ['<?xml version="1.0" encoding="utf-8"?>', '<annotations>', '  <version>1.1</version>', '  <meta>', '    <task>', `    <size>${d.images.length}</size>`, '    <mode>annotation</mode>', '    <labels>'];
	for (const c of d.classes) out.push(...labelXml(c));
	out.push('    </labels>', '    </task>', '  </meta>');
	d.images.forEach((img, id) => {
		const split = img.split ? ` subset="${esc(img.split)}"` : '';
		out.push(`  <image id="${id}" name="${esc(img.name)}" width="${img.width}" height="${img.height}"${split}>`);
		(byImage.get(img.name) ?? []).forEach((a, z) => {
			out.push(a.type === 'skeleton' ? skeletonXml(a, classes.get(a.className), z) : shapeXml(a, z, warnings));
		});
		out.push('  </image>');
	});
	out.push('</annotations>', '');
	const files = [{ path: 'annotations.xml', bytes: utf8(out.join('\n')) }];
	if (options.includeImages) files.push(...imageFilesOf(d, 'images'));
	return { files, skipped: {}, warnings };
}
