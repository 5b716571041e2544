import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';

/**
 * Screenshots of what a test shows, at the two sizes every screen is looked at (1440x900, 1280x720),
 * into test-results/screens/<prefix>-<name>-<size>.png; `restore`: the viewport to go back to after.
 */
export async function screens(page: Page, prefix: string, name: string, restore?: { width: number; height: number }): Promise<void> {
	mkdirSync('test-results/screens', { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `test-results/screens/${prefix}-${name}-${width}x${height}.png` });
	}
	if (restore) await page.setViewportSize(restore);
}

/** WCAG 2.1 A and AA and axe's best practices: what Lighthouse's accessibility score is made of. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** axe-core on the page (or the part `include` selects): no serious or critical violation. */
export async function expectAccessible(page: Page, what: string, include?: string): Promise<void> {
	const builder = new AxeBuilder({ page }).withTags(AXE_TAGS);
	if (include) builder.include(include);
	const { violations } = await builder.analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const said = bad.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(said, `${what}: accessibility violations`).toEqual([]);
}
