import type { ReadResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass, DatasetImage } from '../dataset';
import { FormatError } from '../errors';
import { basename, isImagePath, jsonOf, stem, textOf, type DatasetFile } from '../files';
import { groupBy } from '../by-image';
import { decodeLabelPng, masksOf, VOID } from './label-map';
import { checkedImageSize } from '../limits';

const isMaskPath = (p: string) => /(^|\/)masks\/.+\.png$/i.test(p);

/** Class names by pixel value: palette.json ([{value, name, color?}]) or classes.txt (line k = value k). */
function classesByValue(files: readonly DatasetFile[]): Map<number, DatasetClass> {
	const paletteFile = files.find((f) => basename(f.path) === 'palette.json');
	const out = new Map<number, DatasetClass>();
	if (paletteFile) {
		const entries = jsonOf(paletteFile);
		if (!Array.isArray(entries)) throw new FormatError(paletteFile.path, '', 'must be a list of { value, name }');
		entries.forEach((e, i) => {
			const v = (e as { value?: unknown })?.value;
			const name = (e as { name?: unknown })?.name;
			const color = (e as { color?: unknown })?.color;
			if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255 || typeof name !== 'string')
				throw new FormatError(paletteFile.path, `[${i}]`, 'needs an integer value 0…255 and a name');
			if (v === 0) return; // background
			out.set(v as number, { name, ...(typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? { color: color.toLowerCase() } : {}) });
		});
		return out;
	}
	const classesFile = files.find((f) => basename(f.path) === 'classes.txt');
	if (!classesFile) throw new FormatError('masks/', '', 'no classes.txt or palette.json names the mask values');
	const names = textOf(classesFile).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
	// labelme2voc and others list the background first; then line k names value k.
	const first = /^_?background_?$/i.test(names[0] ?? '') ? 0 : 1;
	names.forEach((name, i) => {
		if (i + first > 0) out.set(i + first, { name });
	});
	return out;
}

/**
 * Reads class-index PNGs back into one mask per class present per image. A mask's image is the image
 * file with the same path under images/ (or the same stem), else the caller's image of that name
 * without extension, else it is named after the mask ('masks/b.png' → 'b.png').
 */
export function readSemantic(files: readonly DatasetFile[], options: { images?: readonly DatasetImage[] } = {}): ReadResult {
	const masks = files.filter((f) => isMaskPath(f.path));
	if (!masks.length) throw new FormatError('masks/', '', 'holds no PNG masks');
	const byValue = classesByValue(files);
	const images = files.filter((f) => isImagePath(f.path) && !isMaskPath(f.path));
	// Indexed once: one lookup per mask.
	const imagesByRelStem = groupBy(images, (f) => f.path.replace(/^(.*\/)?images\//, '').replace(/\.[^./]+$/, ''));
	const imagesByStem = groupBy(images, (f) => stem(f.path));
	const knownByRelStem = groupBy(options.images ?? [], (i) => i.name.replace(/\.[^./]+$/, ''));
	const dataset: Dataset = { images: [], classes: [...byValue.values()], annotations: [] };
	const warnings: string[] = [];
	for (const file of masks) {
		const relative = file.path.replace(/^(.*\/)?masks\//, '');
		const relStem = relative.replace(/\.png$/i, '');
		const imageFile = imagesByRelStem.get(relStem)?.[0] ?? imagesByStem.get(stem(relative))?.[0];
		const size = imageFile ? checkedImageSize(imageFile) : null;
		const png = decodeLabelPng(file, size ? { ...size, name: imageFile!.path } : undefined);
		const image: DatasetImage = {
			name: imageFile ? imageFile.path.replace(/^(.*\/)?images\//, '') : (knownByRelStem.get(relStem)?.[0]?.name ?? relative),
			width: png.width,
			height: png.height,
			...(imageFile ? { bytes: imageFile.bytes } : {})
		};
		if (png.index.some((v) => v < 0)) throw new FormatError(file.path, '', 'is a colour PNG; class-index masks are greyscale or indexed (value = class)');
		const values = Uint8Array.from(png.index, (v) => (v > 255 ? VOID : v));
		for (let i = 0; i < values.length; i++)
			if (values[i] !== 0 && values[i] !== VOID && !byValue.has(values[i]))
				throw new FormatError(file.path, `pixel (${i % png.width}, ${Math.floor(i / png.width)})`, `has value ${values[i]}, which no class is named for`);
		dataset.images.push(image);
		for (const [value, geometry] of masksOf({ values, width: png.width, height: png.height })) {
			const a: DatasetAnnotation = { image: image.name, className: byValue.get(value)!.name, type: 'mask', geometry, source: `${file.path} › value ${value}` };
			dataset.annotations.push(a);
		}
	}
	// Images without a mask have no annotations.
	for (const f of images) {
		const name = f.path.replace(/^(.*\/)?images\//, '');
		if (dataset.images.some((i) => i.bytes === f.bytes)) continue;
		const size = checkedImageSize(f);
		dataset.images.push({ name, width: size?.width ?? 0, height: size?.height ?? 0, bytes: f.bytes });
		if (!size) warnings.push(`${f.path}: size unknown (not a PNG, JPEG, GIF, BMP or WebP header)`);
	}
	return { dataset, warnings };
}
