// Renders text onto an image in a real (headless) Chromium canvas and returns its pixels: Node has no canvas.
import { chromium, type Browser } from '@playwright/test';
import type { RgbaImage } from '../../../src/lib/ml/types';
import { CHROMIUM_FLAGS, findChromium } from '../../tools/chromium.js';

export interface TextDrawing {
	text: string;
	x: number;
	/** Baseline. */
	y: number;
	font?: string;
	/** Turn about (x, y), radians, clockwise on screen. */
	angle?: number;
}

export interface RenderedText {
	image: RgbaImage;
	/** The painted pixels' bounds (any pixel darker than the white page): x0, y0 inclusive, x1, y1 exclusive. */
	ink: { x0: number; y0: number; x1: number; y1: number };
}

let browser: Browser | undefined;

export async function renderText(width: number, height: number, drawings: TextDrawing[]): Promise<RenderedText> {
	browser ??= await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_FLAGS, '--headless=new'] });
	const page = await browser.newPage();
	try {
		await page.setContent(`<canvas width="${width}" height="${height}"></canvas>`);
		const base64 = await page.evaluate((drawings) => {
			const canvas = document.querySelector('canvas')!;
			const ctx = canvas.getContext('2d')!;
			ctx.fillStyle = '#fff';
			ctx.fillRect(0, 0, canvas.width, canvas.height);
			ctx.fillStyle = '#000';
			for (const d of drawings) {
				ctx.save();
				ctx.font = d.font ?? '48px sans-serif';
				ctx.translate(d.x, d.y);
				ctx.rotate(d.angle ?? 0);
				ctx.fillText(d.text, 0, 0);
				ctx.restore();
			}
			// Base64 crosses the protocol far faster than a JSON array of numbers.
			const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
			let binary = '';
			for (let i = 0; i < pixels.length; i += 8192) binary += String.fromCharCode(...pixels.subarray(i, i + 8192));
			return btoa(binary);
		}, drawings);
		const data = new Uint8ClampedArray(Buffer.from(base64, 'base64'));
		const ink = { x0: width, y0: height, x1: 0, y1: 0 };
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				if (data[(y * width + x) * 4] === 255) continue;
				ink.x0 = Math.min(ink.x0, x);
				ink.y0 = Math.min(ink.y0, y);
				ink.x1 = Math.max(ink.x1, x + 1);
				ink.y1 = Math.max(ink.y1, y + 1);
			}
		}
		return { image: { width, height, data }, ink };
	} finally {
		await page.close();
	}
}

export async function closeRenderer(): Promise<void> {
	await browser?.close();
	browser = undefined;
}
