import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CURSOR_INTERVAL_MS, Presence, type PresenceState } from '$lib/sync/presence';
import type { ProjectSync } from '$lib/sync/project-sync';

/** A device's presence without a network: awareness states are carried between devices by hand. */
function device(name: string) {
	const awareness = new Awareness(new Y.Doc());
	const sync = { awareness, provider: null, peerId: `peer-${name}` } as unknown as ProjectSync;
	return { awareness, presence: new Presence(sync, { id: `user-${name}`, name }) };
}
const carry = (from: Awareness, to: Awareness) => applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [from.clientID]), 'remote');

describe('presence', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it("tells views about other peers' changes, not about this device's own cursor", () => {
		const ada = device('Ada');
		const bo = device('Bo');
		const changes = vi.fn();
		bo.presence.onChange(changes);

		bo.presence.setCursor({ x: 1, y: 2 });
		bo.presence.setImage('img1');
		expect(changes).not.toHaveBeenCalled();

		ada.presence.setImage('img1');
		ada.presence.setSelection(['shape1']);
		carry(ada.awareness, bo.awareness);
		expect(changes).toHaveBeenCalled();
		expect(bo.presence.peers()).toMatchObject([{ user: { name: 'Ada' }, imageId: 'img1', selection: ['shape1'], cursor: null }]);
	});

	it('sends a moving cursor at most every 1/30 s, and always its last position', () => {
		const { awareness, presence } = device('Ada');
		presence.setImage('img1');
		vi.advanceTimersByTime(1000); // the (faked) clock starts where no cursor was ever sent
		const sent: PresenceState['cursor'][] = [];
		awareness.on('change', () => sent.push((awareness.getLocalState() as PresenceState).cursor));

		for (let i = 1; i <= 10; i++) presence.setCursor({ x: i, y: i }); // one burst, faster than a frame
		expect(sent).toEqual([{ x: 1, y: 1 }]);
		vi.advanceTimersByTime(CURSOR_INTERVAL_MS);
		expect(sent).toEqual([
			{ x: 1, y: 1 },
			{ x: 10, y: 10 }
		]);
		presence.setCursor(null);
		vi.advanceTimersByTime(CURSOR_INTERVAL_MS);
		expect(sent.at(-1)).toBeNull();
	});
});
