import { expect, type Page } from '@playwright/test';

/** Helpers to drive the editor as a user does, in image coordinates. */

export type Point = { x: number; y: number };
export type BoxGeometry = { x: number; y: number; width: number; height: number };
export type PolygonGeometry = { points: number[] };

export const editorCanvas = (page: Page) => page.getByTestId('editor-canvas');
export const shapeRows = (page: Page) => page.getByTestId('shape-row');
export const shapeRow = (page: Page, id: string) => page.locator(`[data-testid="shape-row"][data-id="${id}"]`);

export async function waitForEditor(page: Page): Promise<void> {
	await expect(editorCanvas(page)).toHaveAttribute('data-editor-ready', 'true', { timeout: 30_000 });
}

/** Page coordinates of an image point, from the viewport the canvas exposes. */
export async function toScreen(page: Page, x: number, y: number): Promise<Point> {
	const el = editorCanvas(page);
	const [box, scale, tx, ty] = await Promise.all([
		el.boundingBox(),
		el.getAttribute('data-scale'),
		el.getAttribute('data-tx'),
		el.getAttribute('data-ty')
	]);
	return { x: box!.x + x * Number(scale) + Number(tx), y: box!.y + y * Number(scale) + Number(ty) };
}

/** A mouse drag between two page points, with intermediate moves as a hand makes. */
export async function dragOnScreen(page: Page, a: Point, b: Point): Promise<void> {
	await page.mouse.move(a.x, a.y);
	await page.mouse.down();
	await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
	await page.mouse.move(b.x, b.y, { steps: 4 });
	await page.mouse.up();
}

export async function dragOnImage(page: Page, from: Point, to: Point): Promise<void> {
	await dragOnScreen(page, await toScreen(page, from.x, from.y), await toScreen(page, to.x, to.y));
}

export async function clickOnImage(page: Page, x: number, y: number, modifiers: ('Alt' | 'Shift')[] = []): Promise<void> {
	const p = await toScreen(page, x, y);
	for (const m of modifiers) await page.keyboard.down(m);
	await page.mouse.click(p.x, p.y);
	for (const m of modifiers) await page.keyboard.up(m);
}

export async function shapeGeometry<G>(page: Page, id: string): Promise<G> {
	return JSON.parse((await shapeRow(page, id).getAttribute('data-geometry')) ?? 'null') as G;
}

/** Ids of the listed shapes, in list order. */
export async function shapeIds(page: Page): Promise<string[]> {
	return shapeRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
}
