import { expect, type Page } from '@playwright/test';

interface JoinProbe {
	/** Bytes received and sent on the sync channel (every data channel but image bytes and edit proofs). */
	syncBytes: number;
	sentBytes: number;
	/** Long tasks (reported, not asserted: timings vary by machine). */
	longTasks: number[];
}

/** What a page went through, recorded in it from its first script on (set before it opens the app). */
export async function probeJoin(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { joinProbe: JoinProbe };
		w.joinProbe = { syncBytes: 0, sentBytes: 0, longTasks: [] };
		const send = RTCDataChannel.prototype.send;
		RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: ArrayBuffer | ArrayBufferView | Blob | string) {
			if (!this.label.startsWith('peerlabel-') && typeof data !== 'string' && !(data instanceof Blob)) w.joinProbe.sentBytes += data.byteLength;
			return send.call(this, data as never);
		} as typeof RTCDataChannel.prototype.send;
		const add = RTCDataChannel.prototype.addEventListener;
		RTCDataChannel.prototype.addEventListener = function (this: RTCDataChannel, type: string, listener: unknown, options?: unknown) {
			if (type === 'message' && !this.label.startsWith('peerlabel-')) {
				add.call(this, 'message', ((ev: MessageEvent) => {
					if (ev.data instanceof ArrayBuffer) w.joinProbe.syncBytes += ev.data.byteLength;
				}) as EventListener);
			}
			return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
		} as typeof RTCDataChannel.prototype.addEventListener;
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) w.joinProbe.longTasks.push(Math.round(e.duration));
		}).observe({ type: 'longtask', buffered: true });
	});
}

export async function joinProbe(page: Page): Promise<JoinProbe> {
	return page.evaluate(() => (window as unknown as { joinProbe: JoinProbe }).joinProbe);
}

/**
 * While the project is arriving, the page answers a click (on the sync badge, in the header, which does
 * not move: the share dialog opens) and shows the part that is in (images counted), all while the notice
 * still says the project is being received. A page that applies the project in one long task shows
 * nothing of it, and handles the click, only once all of it is in. Returns what the page showed then.
 */
export async function clickWhileReceiving(page: Page): Promise<{ notice: string; images: string }> {
	const notice = page.getByTestId('library-notice');
	await expect(notice).toContainText(/Receiving the project from a teammate… \d+ % \([\d.]+ of [\d.]+ MB\)/, { timeout: 60_000 });
	const box = (await page.getByTestId('sync-badge').boundingBox())!;
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
	const seen = await page.waitForFunction(() => {
		if (!document.querySelector('[data-testid="share-dialog"]')) return null;
		const notice = document.querySelector('[data-testid="library-notice"]')?.textContent ?? '(no notice)';
		const images = document.querySelector('[data-testid="image-count"]')?.textContent ?? '';
		// Still receiving with nothing shown yet: wait for the first parts.
		if (notice.includes('Receiving') && images.startsWith('0 ')) return null;
		return { notice, images };
	});
	return (await seen.jsonValue()) as { notice: string; images: string };
}
