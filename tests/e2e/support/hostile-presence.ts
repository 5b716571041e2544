import type { Page } from '@playwright/test';

/**
 * Makes a peer publish presence states of its choosing, as a hostile client in the room could: the
 * states are posted on the project's tab channel of that peer's page (tab-sync.ts), so its own app
 * takes them in and y-webrtc sends them to every connected peer over WebRTC. Each state gets a client
 * id of its own; they are sent again every 5 s, so that no peer drops them as outdated (30 s).
 */
export async function publishPresence(page: Page, projectId: string, states: unknown[]): Promise<void> {
	await page.evaluate(
		({ projectId, states }) => {
			// y-protocols' awareness update: count, then per client its id, clock and state as JSON.
			const bytes: number[] = [];
			const varUint = (n: number) => {
				for (; n > 127; n = Math.floor(n / 128)) bytes.push(0x80 | (n & 127));
				bytes.push(n);
			};
			let clock = 0;
			const update = () => {
				bytes.length = 0;
				clock++;
				varUint(states.length);
				states.forEach((state, i) => {
					const json = new TextEncoder().encode(JSON.stringify(state));
					varUint(4_000_000 + i);
					varUint(clock);
					varUint(json.byteLength);
					for (const b of json) bytes.push(b);
				});
				return new Uint8Array(bytes);
			};
			const channel = new BroadcastChannel(`peerlabel-tabs:${projectId}`);
			const post = () => channel.postMessage({ t: 'awareness', update: update(), from: 'hostile' });
			post();
			setInterval(post, 5000);
		},
		{ projectId, states }
	);
}
