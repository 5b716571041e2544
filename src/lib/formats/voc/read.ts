import type { AttributeSpec, AttributeValue } from '$lib/model/records';
import { shapeKinds } from '$lib/shapes/registry';
import type { ReadResult } from '../codec';
import { parseXml } from '../xml';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetClass, type DatasetImage } from '../dataset';
import { FormatError } from '../errors';
import { basename, extension, isImagePath, stem, textOf, type DatasetFile } from '../files';
import { groupBy } from '../by-image';
import { decodeLabelPng, masksOf, VOID, vocColor, hexOf, type DecodedLabelPng } from '../semantic/label-map';
import { vocIdOf } from './write';
import { checkedImageSize, checkPixelSize } from '../limits';

/** The 20 PASCAL VOC classes by index (1…20), for class PNGs without a labelmap.txt. */
export const VOC_CLASSES = [
	'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'diningtable',
	'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor'
];

const SHAPE = { lists: new Set(['object', 'part']), attributes: false };

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** labelmap.txt (datumaro / CVAT): `name:r,g,b:parts:actions`, '#' comments. */
export function readLabelmap(file: DatasetFile): { name: string; rgb: number }[] {
	const out: { name: string; rgb: number }[] = [];
	textOf(file)
		.split(/\r?\n/)
		.forEach((line, i) => {
			if (!line.trim() || line.trimStart().startsWith('#')) return;
			const [name, color = ''] = line.split(':');
			const rgb = color.trim() ? color.split(',').map((v) => Number(v.trim())) : [];
			if (!name.trim() || (rgb.length && (rgb.length !== 3 || !rgb.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))))
				throw new FormatError(file.path, `line ${i + 1}`, 'is not "name:r,g,b:parts:actions"');
			const [r, g, b] = rgb.length ? rgb : vocColor(out.length);
			out.push({ name: name.trim(), rgb: (r << 16) | (g << 8) | b });
		});
	return out;
}

function numberAt(file: string, box: Node, key: string, place: string): number {
	const raw = text(box[key]).trim();
	const v = Number(raw);
	if (!raw || !Number.isFinite(v)) throw new FormatError(file, `${place} › ${key}`, raw ? `"${raw}" is not a number` : 'is missing');
	return v;
}

/** '1' / '0' flags (empty elements, as labelme2voc writes them, mean unset). */
function flagOf(v: unknown): boolean | undefined {
	const t = text(v).trim();
	return t === '' ? undefined : t !== '0' && t.toLowerCase() !== 'false';
}

/** Split lists (ImageSets/Main/<split>.txt, one id per line); per-class lists ('<class>_<split>.txt', "id ±1") are ignored. */
function splitsOf(files: readonly DatasetFile[]): Map<string, string> {
	const splitOf = new Map<string, string>();
	for (const f of files.filter((f) => /(^|\/)ImageSets\/Main\/[^/]+\.txt$/.test(f.path))) {
		const lines = textOf(f).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
		if (lines.some((l) => /\s/.test(l))) continue;
		const split = stem(f.path);
		if (split === 'trainval') continue;
		for (const id of lines) if (!splitOf.has(id) || split !== 'default') splitOf.set(id, split);
	}
	return splitOf;
}

/** Pascal VOC: Annotations XML, ImageSets/Main split lists, labelmap.txt, SegmentationClass/Object PNGs. */
export function readVoc(files: readonly DatasetFile[]): ReadResult {
	const warnings: string[] = [];
	const xmls = files.filter((f) => extension(f.path) === 'xml').sort((a, b) => a.path.localeCompare(b.path));
	const labelmapFile = files.find((f) => basename(f.path) === 'labelmap.txt');
	const labelmap = labelmapFile ? readLabelmap(labelmapFile) : null;
	if (!xmls.length && !labelmap) throw new FormatError('Annotations/', '', 'holds no VOC annotation XML');
	// Looked up per XML: indexed once, or 10,000 images cost 10,000² path comparisons.
	const SEGMENTATION = /(?:^|\/)Segmentation(Class|Object)\/(.+)\.png$/;
	const imagesByBase = groupBy(
		files.filter((f) => isImagePath(f.path) && !SEGMENTATION.test(f.path)),
		(f) => basename(f.path)
	);
	const segmentation = new Map<string, DatasetFile>();
	for (const f of files) {
		const seg = SEGMENTATION.exec(f.path);
		if (seg) segmentation.set(`${seg[1]}/${seg[2]}`, f);
	}
	const imageFileFor = (filename: string) => {
		const candidates = imagesByBase.get(basename(filename)) ?? [];
		return candidates.find((f) => f.path === filename || f.path.endsWith(`/${filename}`)) ?? candidates[0];
	};
	const splitOf = splitsOf(files);
	const classes = new Map<string, DatasetClass>();
	for (const l of labelmap ?? []) if (l.name !== 'background') classes.set(l.name, { name: l.name, color: hexOf(l.rgb) });
	const classOf = (name: string) => {
		if (!classes.has(name)) classes.set(name, { name });
		return classes.get(name)!;
	};
	const dataset: Dataset = { images: [], classes: [], annotations: [] };

	for (const file of xmls) {
		const source = textOf(file);
		const root = parseXml(source, file.path, SHAPE).annotation;
		if (!isNode(root)) throw new FormatError(file.path, '', 'has no <annotation> root element');
		const filename = text(root.filename).trim() || `${stem(file.path)}.jpg`;
		const imageFile = imageFileFor(filename);
		const objects = (Array.isArray(root.object) ? root.object : []) as unknown[];
		const size = isNode(root.size) ? root.size : null;
		let width = size ? Number(text(size.width)) : 0;
		let height = size ? Number(text(size.height)) : 0;
		if (!Number.isFinite(width) || !Number.isFinite(height) || width < 0 || height < 0)
			throw new FormatError(file.path, 'size', 'width and height must be numbers');
		if (!width || !height) {
			const fromFile = imageFile ? checkedImageSize(imageFile) : null;
			if (fromFile) ({ width, height } = fromFile);
			else if (objects.length) throw new FormatError(file.path, 'size', `is missing and no image file ${filename} was given to take it from`);
			else warnings.push(`${file.path}: no <size> and no image file; the image's size is left unknown`);
		}
		checkPixelSize(width, height, file.path, 'size');
		const id = vocIdOf(filename);
		const image: DatasetImage = { name: filename, width, height, ...(imageFile ? { bytes: imageFile.bytes } : {}) };
		const split = splitOf.get(id) ?? splitOf.get(stem(file.path));
		if (split && split !== 'default') image.split = split;
		dataset.images.push(image);

		const boxes: DatasetAnnotation[] = [];
		let partsOrActions = false;
		objects.forEach((o, i) => {
			const place = `object[${i}]`;
			if (!isNode(o)) throw new FormatError(file.path, place, 'is empty');
			const name = text(o.name).trim();
			if (!name) throw new FormatError(file.path, `${place} › name`, 'is missing');
			if (!isNode(o.bndbox)) throw new FormatError(file.path, `${place} › bndbox`, 'is missing');
			const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => numberAt(file.path, o.bndbox as Node, k, `${place} › bndbox`));
			if (xmax < xmin) throw new FormatError(file.path, `${place} › bndbox`, `xmax ${xmax} is left of xmin ${xmin}`);
			if (ymax < ymin) throw new FormatError(file.path, `${place} › bndbox`, `ymax ${ymax} is above ymin ${ymin}`);
			if (o.part !== undefined || o.actions !== undefined) partsOrActions = true;
			const attributes: Record<string, AttributeValue> = {};
			for (const key of ['difficult', 'truncated', 'occluded'] as const) {
				const v = flagOf(o[key]);
				if (v !== undefined) attributes[key] = v;
			}
			const pose = text(o.pose).trim();
			if (pose && pose !== 'Unspecified') attributes.pose = pose;
			classOf(name);
			const raw = { x: xmin - 1, y: ymin - 1, width: xmax - xmin + 1, height: ymax - ymin + 1 };
			boxes.push({ image: image.name, className: name, type: 'box', geometry: raw, ...(Object.keys(attributes).length ? { attributes } : {}), source: `${file.path} › ${place}` });
		});
		if (partsOrActions) warnings.push(`${file.path}: <part> and <actions> are not kept`);

		const segFile = (kind: string) => segmentation.get(`${kind}/${id}`) ?? segmentation.get(`${kind}/${stem(file.path)}`);
		const instances = segFile('Object');
		const classPng = segFile('Class');
		const withPixels = new Set<number>();
		// Each PNG is checked against the image's size before it is decoded; the first one gives a size the XML lacks.
		const decode = (f: DatasetFile) => {
			const png = decodeLabelPng(f, image);
			if (!image.width) ({ width: image.width, height: image.height } = png);
			return png;
		};
		const classValues = classPng ? classValuesOf(classPng, labelmap, decode) : null;
		if (instances) {
			const png = decode(instances);
			const values = Uint8Array.from(png.index.map((k, i) => (k >= 0 ? k : vocIndexOf(png.rgb![i]))), (v) => (v < 0 ? VOID : v));
			for (const [index, geometry] of masksOf({ values, width: png.width, height: png.height })) {
				const box = boxes[index - 1];
				let className: string | undefined = box?.className;
				if (!className && classValues) className = classValues.names.get(classValues.values[firstPixel(values, index)]);
				if (!className) {
					warnings.push(`${instances.path}: instance ${index} has no object in ${file.path} nor a class pixel; skipped`);
					continue;
				}
				classOf(className);
				withPixels.add(index - 1);
				dataset.annotations.push({ image: image.name, className, type: 'mask', geometry, instanceId: index, ...(box?.attributes ? { attributes: box.attributes } : {}), source: `${instances.path} › instance ${index}` });
			}
		} else if (classValues) {
			for (const [value, geometry] of masksOf({ values: classValues.values, width: image.width, height: image.height })) {
				const className = classValues.names.get(value);
				if (!className) throw new FormatError(classPng!.path, '', `has class value ${value}, which ${labelmap ? 'labelmap.txt' : 'the VOC class list'} does not name`);
				classOf(className);
				dataset.annotations.push({ image: image.name, className, type: 'mask', geometry, source: `${classPng!.path} › class ${value}` });
			}
		}
		boxes.forEach((b, i) => {
			if (withPixels.has(i)) return; // its instance mask stands for it
			const v = shapeKinds.box.validate(b.geometry, image.width ? image : { width: Infinity, height: Infinity });
			if (!v.ok) warnings.push(`${b.source}: ${v.reason}; skipped`);
			else dataset.annotations.push(withGeometry(b, 'box', v.geometry));
		});
	}
	dataset.classes = [...classes.values()];
	addAttributeSpecs(dataset);
	return { dataset, warnings };
}

const vocIndex = new Map(Array.from({ length: 256 }, (_, i) => [(vocColor(i)[0] << 16) | (vocColor(i)[1] << 8) | vocColor(i)[2], i]));
/** VOC's void colour (index 255), datumaro's 'ignored' label. */
const VOID_RGB = (224 << 16) | (224 << 8) | 192;
const vocIndexOf = (rgb: number) => vocIndex.get(rgb) ?? -1;

function firstPixel(values: Uint8Array, v: number): number {
	return values.indexOf(v);
}

/** Class values of a SegmentationClass PNG: labelmap position by colour when there is a labelmap, else VOC's index. */
function classValuesOf(
	file: DatasetFile,
	labelmap: { name: string; rgb: number }[] | null,
	decode: (f: DatasetFile) => DecodedLabelPng
): { values: Uint8Array; names: Map<number, string> } {
	const png = decode(file);
	const names = new Map<number, string>();
	const values = new Uint8Array(png.width * png.height);
	if (labelmap) {
		const byColor = new Map(labelmap.map((l, i) => [l.rgb, i]));
		labelmap.forEach((l, i) => i > 0 && l.name !== 'background' && names.set(i, l.name));
		for (let i = 0; i < values.length; i++) {
			if (!png.rgb) {
				values[i] = Math.min(png.index[i], VOID);
				continue;
			}
			const rgb = png.rgb[i];
			const k = rgb === VOID_RGB ? VOID : byColor.get(rgb);
			if (k === undefined || k > 255) throw new FormatError(file.path, `pixel (${i % png.width}, ${Math.floor(i / png.width)})`, `has colour ${hexOf(rgb)}, which labelmap.txt does not name`);
			values[i] = k;
		}
		// 'ignored' (datumaro) or any void colour is not a class.
		for (const [k, n] of names) if (n === 'ignored') names.delete(k);
	} else {
		VOC_CLASSES.forEach((n, i) => names.set(i + 1, n));
		for (let i = 0; i < values.length; i++) {
			const k = png.index[i] >= 0 ? png.index[i] : vocIndexOf(png.rgb![i]);
			if (k < 0) throw new FormatError(file.path, `pixel (${i % png.width}, ${Math.floor(i / png.width)})`, `has colour ${hexOf(png.rgb![i])}, which is not in the VOC palette`);
			values[i] = k;
		}
	}
	return { values, names };
}

/** Checkbox specs for the VOC flags and a text spec for pose, on the classes whose objects carry them. */
function addAttributeSpecs(dataset: Dataset) {
	const used = new Map<string, Set<string>>();
	for (const a of dataset.annotations) for (const k of Object.keys(a.attributes ?? {})) used.set(a.className, (used.get(a.className) ?? new Set()).add(k));
	for (const c of dataset.classes) {
		const keys = used.get(c.name);
		if (!keys) continue;
		c.attributes = [...keys].sort().map(
			(name): AttributeSpec => ({ id: name, name, kind: name === 'pose' ? 'text' : 'checkbox', options: [], min: null, max: null, default: name === 'pose' ? null : false, required: false })
		);
	}
}
