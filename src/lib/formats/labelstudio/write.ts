import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { unhandledShape } from '$lib/shapes/convert';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation } from '../dataset';
import { annotationsByImage, countSkip, imageFilesOf } from '../dataset-builder';
import { utf8 } from '../files';
import { decodeMask } from '$lib/shapes/mask/rle';
import { encodeBrush } from './brush';
import { checkImageToRaster } from '../limits';

/** Control tag, from_name and value key per result type (matching the label_config.xml written beside). */
const CONTROLS = {
	rectanglelabels: { tag: 'RectangleLabels', name: 'label' },
	polygonlabels: { tag: 'PolygonLabels', name: 'polygon' },
	keypointlabels: { tag: 'KeyPointLabels', name: 'keypoint' },
	ellipselabels: { tag: 'EllipseLabels', name: 'ellipse' },
	brushlabels: { tag: 'BrushLabels', name: 'brush' },
	choices: { tag: 'Choices', name: 'choice' }
} as const;
type ResultType = keyof typeof CONTROLS;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Percentages of `side` with 4 + k decimals for sides up to 10^k px: the pixel value comes back within
 * 1e-6 px (as YOLO's normalised values), and the file is a third shorter than at full precision.
 */
function percentOf(side: number): (v: number) => number {
	const scale = 10 ** (4 + Math.max(0, Math.ceil(Math.log10(Math.max(1, side)))));
	const factor = (100 * scale) / side;
	return (v) => Math.round(v * factor) / scale;
}

function valueOf(a: DatasetAnnotation, W: number, H: number, X: (v: number) => number, Y: (v: number) => number): [ResultType, Record<string, unknown>] | null {
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return ['rectanglelabels', { x: X(g.x), y: Y(g.y), width: X(g.width), height: Y(g.height), rotation: 0 }];
		}
		case 'rotatedBox': {
			const g = a.geometry;
			// Label Studio places a turned rectangle by its (turned) top-left corner.
			const [x, y] = rotatedBoxCorners(g);
			return ['rectanglelabels', { x: X(x), y: Y(y), width: X(g.width), height: Y(g.height), rotation: g.angle < 0 ? g.angle + 360 : g.angle }];
		}
		case 'polygon': {
			const p = a.geometry.points;
			return ['polygonlabels', { points: Array.from({ length: p.length / 2 }, (_, i) => [X(p[i * 2]), Y(p[i * 2 + 1])]), closed: true }];
		}
		case 'keypoint': {
			const g = a.geometry;
			return ['keypointlabels', { x: X(g.x), y: Y(g.y), width: 0.5 }];
		}
		case 'ellipse': {
			const g = a.geometry;
			return ['ellipselabels', { x: X(g.cx), y: Y(g.cy), radiusX: X(g.rx), radiusY: Y(g.ry), rotation: g.angle < 0 ? g.angle + 360 : g.angle }];
		}
		case 'tag':
			return ['choices', {}];
		case 'mask': {
			// The brush covers the whole image: the crop is placed into an image-sized bitmap.
			const g = a.geometry;
			const crop = decodeMask(g.rle, g.width, g.height);
			const bits = new Uint8Array(W * H);
			for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) if (crop[j * g.width + i] && g.x + i < W && g.y + j < H) bits[(g.y + j) * W + g.x + i] = 1;
			return ['brushlabels', { format: 'rle', rle: encodeBrush(bits) }];
		}
		case 'polyline':
		case 'skeleton':
		case 'cuboid':
			return null;
		default:
			return unhandledShape(a);
	}
}

export function writeLabelStudio(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const skipped: WriteResult['skipped'] = {};
	const byImage = annotationsByImage(d);
	const used = new Map<ResultType, Set<string>>();
	let attributesDropped = 0;
	const tasks = d.images.map((img, i) => {
		const result: Record<string, unknown>[] = [];
		const anns = byImage.get(img.name) ?? [];
		if (anns.some((a) => a.type !== 'tag') && !(img.width > 0 && img.height > 0)) {
			for (const a of anns) if (a.type !== 'tag') countSkip(skipped, a.type);
			warnings.push(`${img.name}: the image size is unknown, so its shapes cannot be written in percent`);
		}
		const X = percentOf(img.width),
			Y = percentOf(img.height);
		// A brush covers the whole image: its size is checked before one is allocated.
		if (anns.some((a) => a.type === 'mask')) checkImageToRaster(img);
		anns.forEach((a, n) => {
			if (a.type !== 'tag' && !(img.width > 0 && img.height > 0)) return;
			const v = valueOf(a, img.width, img.height, X, Y);
			if (!v) return void countSkip(skipped, a.type);
			const [type, value] = v;
			used.set(type, (used.get(type) ?? new Set()).add(a.className));
			const id = `r${i + 1}-${n + 1}`;
			value[type] = [a.className]; // a fresh object of valueOf's
			const region = (from_name: string, type: string, value: Record<string, unknown>) =>
				({ id, from_name, to_name: 'image', original_width: img.width, original_height: img.height, image_rotation: 0, origin: 'manual', type, value });
			result.push(region(CONTROLS[type].name, type, value));
			if (a.text !== undefined) result.push(region('text', 'textarea', { text: [a.text] }));
			if (a.attributes && Object.keys(a.attributes).length) attributesDropped++;
		});
		return { id: i + 1, data: { image: img.name }, annotations: [{ id: i + 1, result, was_cancelled: false }], predictions: [] };
	});
	if (attributesDropped) warnings.push(`attributes of ${attributesDropped} annotations are not written (Label Studio keeps them in per-region controls of its own config)`);
	const controls = [...used].map(([type, names]) => {
		const c = CONTROLS[type];
		const inner = [...names].map((n) => {
			const color = d.classes.find((k) => k.name === n)?.color;
			return type === 'choices' ? `    <Choice value="${esc(n)}"/>` : `    <Label value="${esc(n)}"${color ? ` background="${color}"` : ''}/>`;
		});
		return `  <${c.tag} name="${c.name}" toName="image"${type === 'choices' ? ` choice="${d.tagMode === 'single' ? 'single' : 'multiple'}"` : ''}>\n${inner.join('\n')}\n  </${c.tag}>`;
	});
	const config = `<View>\n  <Image name="image" value="$image"/>\n${controls.join('\n')}\n  <TextArea name="text" toName="image" perRegion="true"/>\n</View>\n`;
	const files = [
		{ path: 'label_studio.json', bytes: utf8(JSON.stringify(tasks)) },
		{ path: 'label_config.xml', bytes: utf8(config) }
	];
	if (options.includeImages) files.push(...imageFilesOf(d));
	return { files, skipped, warnings };
}
