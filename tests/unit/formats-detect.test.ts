import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { DatasetFile } from '$lib/formats/files';
import { jsonOutline } from '$lib/formats/json-outline';
import { detectFormat, formatById, formats } from '$lib/formats/registry';
import { xmlRootName } from '$lib/formats/xml-root';
import { FIXTURES, everyTypeDataset, filesUnder, haveFixtures } from './support/dataset-files';

/** The format each folder of ../shared/fixtures holds, by the folder's name. */
const FORMAT_OF_FOLDER: Record<string, string> = {
	coco: 'coco',
	voc: 'voc',
	yolo: 'yolo',
	cvat: 'cvat',
	darwin: 'darwin',
	labelme: 'labelme',
	label_studio: 'labelstudio',
	datumaro: 'datumaro'
};

const utf8 = (s: string) => new TextEncoder().encode(s);
const png = encodePng({ width: 4, height: 3, data: new Uint8Array(12), channels: 1, depth: 8 });

/** Every object's keys in reverse order, recursively: Python's json.dump keeps whatever order a script built. */
function reversed(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(reversed);
	if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
	return v;
}

/** The first element of the root list, or of the root object's first non-empty list, given a > 8 KB field first. */
function longFirstElement(v: unknown): unknown {
	const pad = (e: unknown) => (e && typeof e === 'object' && !Array.isArray(e) ? { zz_note: 'x'.repeat(9000), ...e } : e);
	if (Array.isArray(v)) return v.map((e, i) => (i === 0 ? pad(e) : e));
	if (!v || typeof v !== 'object') return v;
	const entries = Object.entries(v);
	const at = entries.findIndex(([, x]) => Array.isArray(x) && x.length);
	if (at >= 0) entries[at] = [entries[at][0], longFirstElement(entries[at][1])];
	return Object.fromEntries(entries);
}

/** An XML file with a > 8 KB comment before its root element (after the declaration, if any). */
function longComment(text: string): string {
	const comment = `<!-- ${'<annotation> <meta> '.repeat(500)} -->\n`;
	const declaration = /^\uFEFF?<\?xml[^>]*\?>\s*/.exec(text)?.[0] ?? '';
	return declaration + comment + text.slice(declaration.length);
}

/**
 * The same files as other tools or scripts write them: JSON compact, and pretty with keys reversed and a
 * long first element; XML with a long comment first.
 */
function rewrites(files: DatasetFile[]): [string, DatasetFile[]][] {
	const each = (ext: RegExp, how: (text: string) => string) =>
		files.map((f) => {
			if (!ext.test(f.path)) return f;
			try {
				return { path: f.path, bytes: utf8(how(new TextDecoder().decode(f.bytes))) };
			} catch {
				return f; // not JSON: left as it is
			}
		});
	const json = /\.json$/i;
	return [
		['as written', files],
		['compact', each(json, (t) => JSON.stringify(JSON.parse(t)))],
		['keys reversed, long first element, pretty', each(json, (t) => JSON.stringify(longFirstElement(reversed(JSON.parse(t))), null, 4))],
		['XML with a long comment first', each(/\.xml$/i, longComment)]
	];
}

/** Detected as `format` in every layout, and read by it as the original is (some need the images' sizes). */
function expectDetectedAndRead(files: DatasetFile[], format: string) {
	const outcome = (f: DatasetFile[]) => {
		try {
			return formatById(format)!.read(f).dataset.annotations.length;
		} catch (e) {
			return (e as Error).message;
		}
	};
	const original = outcome(files);
	for (const [how, variant] of rewrites(files)) {
		expect(detectFormat(variant)?.id, how).toBe(format);
		expect(outcome(variant), how).toEqual(original);
	}
}

describe.skipIf(!haveFixtures)(`--from auto on every real fixture, however its JSON is laid out (${haveFixtures ? FIXTURES : 'skipped: ../shared/fixtures is missing'})`, () => {
	for (const [folder, format] of Object.entries(FORMAT_OF_FOLDER)) {
		const cases = haveFixtures ? readdirSync(join(FIXTURES, folder)) : [];
		it.each(cases)(`${folder}/%s is detected as ${format}`, (sub) => {
			// Two folders also hold the Darwin JSON they were converted from: the converted format wins.
			expectDetectedAndRead(filesUnder(join(FIXTURES, folder, sub)), format);
		});
	}
});

describe('--from auto on what each writer writes, however its JSON is laid out', () => {
	// Datumaro is read only.
	const writes = formats.flatMap((codec) => (codec.id === 'datumaro' ? [] : (codec.variants ?? [{ id: undefined }]).map((v) => [codec.id, v.id] as const)));
	it.each(writes)('%s (%s) is detected as what wrote it', (id, variant) => {
		const codec = formatById(id)!;
		const dataset = everyTypeDataset();
		// YOLO classify writes nothing but <split>/<class>/<image> folders: every image has bytes, a class and a
		// name without folders (its reader takes the last three parts of a path).
		for (const image of dataset.images) image.bytes = png;
		dataset.annotations.push({ image: 'b.png', className: 'sunny', type: 'tag', geometry: {} });
		if (variant === 'classify') {
			for (const i of dataset.images) i.name = i.name.replace(/^.*\//, '');
			for (const a of dataset.annotations) a.image = a.image.replace(/^.*\//, '');
		}
		const { files } = codec.write(dataset, { includeImages: true, variant });
		const expected = id === 'coco' && variant === 'panoptic' ? 'coco-panoptic' : id;
		expectDetectedAndRead(files, expected);
	});

	it('reads YOLO labels whose first file is empty (an image with no objects) or starts with a blank line', () => {
		const labels = [
			{ path: 'labels/a.txt', bytes: utf8('') },
			{ path: 'labels/b.txt', bytes: utf8('\n0 0.5 0.5 0.2 0.2\n') }
		];
		expect(detectFormat(labels)?.id).toBe('yolo');
		expect(detectFormat(labels.slice(0, 1))).toBeNull();
	});

	it('claims nothing for files of no format', () => {
		expect(detectFormat([{ path: 'notes.txt', bytes: utf8('hello') }])).toBeNull();
		expect(detectFormat([{ path: 'list.json', bytes: utf8('[1, 2, {"a": "images"}]') }])).toBeNull();
	});
});

describe('the JSON outline detection reads', () => {
	it('finds keys after a long first list, whatever the whitespace, and skips strings holding brackets and quotes', () => {
		const text = `\uFEFF {"annotations" :[ {"segmentation": {"counts": "a\\\\\\"]}{b", "size": [2, 3]}, "note": "${'x'.repeat(20_000)}"}],\n\t"info":{}, "version":"2.0", "images" : [] }`;
		const o = jsonOutline(utf8(text))!;
		expect(o.root).toBe('object');
		expect([...o.paths]).toEqual(['annotations', 'annotations[]', 'annotations[]{}', 'annotations[].segmentation', 'annotations[].segmentation{}', 'annotations[].segmentation.counts', 'annotations[].segmentation.size', 'annotations[].segmentation.size[]', 'annotations[].note', 'info', 'info{}', 'version', 'images', 'images[]']);
		expect(o.rootStrings.get('version')).toBe('2.0');
		expect(jsonOutline(utf8('# not json'))).toBeNull();
	});

	it('decodes keys of up to 256 bytes (quotes included) and those of the first 4 elements of a list', () => {
		const keys = (v: unknown) => [...jsonOutline(utf8(JSON.stringify(v)))!.paths];
		expect(keys({ ['k'.repeat(254)]: 1, ['l'.repeat(255)]: 2 })).toEqual(['k'.repeat(254)]);
		expect(keys([{ a: 1 }, { b: 1 }, { c: 1 }, { d: 1 }, { e: 1 }])).toEqual(['[]{}', '[].a', '[].b', '[].c', '[].d']);
	});

	it('names the root element of XML past a long comment', () => {
		expect(xmlRootName(utf8(`<?xml version="1.0"?>\n<!-- ${'<annotation> '.repeat(1000)} -->\n<annotations><version>1.1</version></annotations>`))).toBe('annotations');
		expect(xmlRootName(utf8('<annotation><filename>a.jpg</filename></annotation>'))).toBe('annotation');
		expect(xmlRootName(utf8('text <annotation/>'))).toBeNull();
	});

	it('detects a 100,000-annotation COCO file written annotations first (prints the time it takes)', () => {
		const annotations = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, image_id: (i % 1000) + 1, category_id: 1, segmentation: [[1, 1, 5, 1, 5, 5, 1, 5]], area: 16, bbox: [1, 1, 4, 4], iscrowd: 0 }));
		const images = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 10, height: 10 }));
		const bytes = utf8(JSON.stringify({ annotations, categories: [{ id: 1, name: 'thing' }], images }));
		const t = performance.now();
		expect(detectFormat([{ path: 'instances.json', bytes }])?.id).toBe('coco');
		console.log(`detection of a ${(bytes.length / 2 ** 20).toFixed(1)} MB COCO file (100,000 annotations): ${(performance.now() - t).toFixed(0)} ms`);
	});
});
