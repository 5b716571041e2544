import { colorize, rgbaOf } from '$lib/shapes/mask/colorize';
import { maskBits, type MaskGeometry } from '$lib/shapes/mask/kind';

const cache = new WeakMap<MaskGeometry, Map<string, string>>();

/**
 * A mask's crop as a tinted picture (a data URL, its outline pixels stronger), to place in SVG at the
 * mask's box: the compare view shows masks as the editor does. Made once per geometry and colour.
 */
export function maskImageUrl(g: MaskGeometry, color: string): string {
	let byColor = cache.get(g);
	if (!byColor) cache.set(g, (byColor = new Map()));
	const known = byColor.get(color);
	if (known) return known;
	const canvas = document.createElement('canvas');
	canvas.width = Math.max(1, g.width);
	canvas.height = Math.max(1, g.height);
	const ctx = canvas.getContext('2d');
	if (!ctx) return '';
	const pixels = ctx.createImageData(canvas.width, canvas.height);
	colorize({ bits: maskBits(g), width: g.width, height: g.height }, { minX: 0, minY: 0, maxX: g.width, maxY: g.height }, rgbaOf(color, 0.35), rgbaOf(color, 1), pixels.data);
	ctx.putImageData(pixels, 0, 0);
	const url = canvas.toDataURL();
	byColor.set(color, url);
	return url;
}
