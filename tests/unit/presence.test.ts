import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CURSOR_INTERVAL_MS, Presence, userColor, type PresenceState } from '$lib/sync/presence';
import { MAX_NAME_CHARS, MAX_SELECTION } from '$lib/sync/presence-state';
import type { ProjectSync } from '$lib/sync/project-sync';

/** A device's presence without a network: awareness states are carried between devices by hand. */
function device(name: string, id = `user-${name}`) {
	const awareness = new Awareness(new Y.Doc());
	const sync = { awareness, provider: null, peerId: `peer-${id}` } as unknown as ProjectSync;
	return { awareness, presence: new Presence(sync, { id, name }) };
}
const carry = (from: Awareness, to: Awareness) => applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [from.clientID]), 'remote');

/** A peer that publishes whatever state it likes (awareness carries any JSON). */
function hostile(state: unknown): Awareness {
	const awareness = new Awareness(new Y.Doc());
	awareness.setLocalState(state as Record<string, unknown>);
	return awareness;
}

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

	it('shows only the peers whose state passes the check, with a derived colour for a bad one', () => {
		const bo = device('Bo');
		const base = { imageId: 'img1', cursor: null, selection: [] };
		const injected = 'red; position: fixed; inset: 0; background-image: url(http://127.0.0.1:1/x)';
		const peers = [
			hostile({ ...base, user: { id: 'u-style', name: 'Mallory', color: injected } }),
			hostile({ ...base, user: { id: 'u-number', name: 12345, color: '#123456' } }),
			hostile({ ...base, user: { id: 'u-long', name: 'L'.repeat(10_000), color: '#123456' } }),
			hostile({ ...base, user: { id: 'u-many', name: 'Many', color: '#123456' }, selection: new Array(MAX_SELECTION + 1).fill('s') }),
			hostile({ ...base, user: { id: 'u-far', name: 'Far', color: '#123456' }, cursor: { x: 1e300, y: 0 } }),
			hostile({ ...base, user: 'nobody' }),
			hostile('not even an object')
		];
		const changes = vi.fn();
		bo.presence.onChange(changes);
		for (const p of peers) carry(p, bo.awareness);

		const shown = bo.presence.peers();
		expect(shown.map((p) => p.user.name)).toEqual(['L'.repeat(MAX_NAME_CHARS), 'Mallory']);
		expect(shown[1].user.color).toBe(userColor('u-style'));
		expect(changes).toHaveBeenCalled();
	});

	it("keeps this device's own state to what peers accept", () => {
		const { awareness, presence } = device('x'.repeat(500), 'user-x'); // a stored name longer than the input allows
		const local = () => awareness.getLocalState() as PresenceState;
		expect(local().user.name).toBe('x'.repeat(MAX_NAME_CHARS));
		presence.setName('  Ada Lovelace  ');
		expect(local().user.name).toBe('Ada Lovelace');
		presence.setName('y'.repeat(MAX_NAME_CHARS + 1));
		expect(local().user.name).toBe('y'.repeat(MAX_NAME_CHARS));
		presence.setSelection(Array.from({ length: MAX_SELECTION + 5 }, (_, i) => `s${i}`));
		expect(local().selection).toHaveLength(MAX_SELECTION);
		const bo = device('Bo');
		carry(awareness, bo.awareness);
		expect(bo.presence.peers()).toHaveLength(1);
	});
});
