import { describe, expect, it } from 'vitest';
import { Viewport } from '$lib/editor/viewport';
import type { AnnotationRecord } from '$lib/model';
import type { PeerPresence } from '$lib/sync/presence';
import { remoteCursors, remoteSelections } from '$lib/ui/editor/remote-marks';
import { initial, peersByImage, peersOnImage } from '$lib/ui/sync/peer-places';

const peer = (clientId: number, name: string, patch: Partial<PeerPresence> = {}): PeerPresence => ({
	clientId,
	user: { id: `user-${name}`, name, color: '#e5484d' },
	imageId: 'img1',
	cursor: null,
	selection: [],
	...patch
});

const shape = (id: string, imageId: string, type: 'box' | 'polygon', geometry: unknown) =>
	({ id, imageId, classId: 'c', type, geometry, attributes: {}, z: 0, author: 'a', createdAt: 0, updatedAt: 0 }) as AnnotationRecord;

const shapes = new Map([
	['box1', shape('box1', 'img1', 'box', { x: 100, y: 50, width: 200, height: 100 })],
	['poly1', shape('poly1', 'img1', 'polygon', { points: [10, 20, 60, 20, 40, 90] })],
	['other', shape('other', 'img2', 'box', { x: 0, y: 0, width: 10, height: 10 })]
]);

/** A view at 2× with the image's origin at (30, 40) on the canvas. */
function view(): Viewport {
	const v = new Viewport({ width: 800, height: 600 }, { width: 1000, height: 800 });
	v.set(2, 30, 40);
	return v;
}

describe('remote cursors', () => {
	it('places each cursor on this image at its screen point, and follows the view', () => {
		const v = view();
		const peers = [peer(1, 'Ada', { cursor: { x: 200, y: 150 } }), peer(2, 'Bo', { cursor: { x: 5, y: 5 }, imageId: 'img2' })];
		const [ada, ...rest] = remoteCursors(peers, 'img1', v);
		expect(rest).toEqual([]);
		expect(ada).toMatchObject({ name: 'Ada', image: { x: 200, y: 150 }, screen: { x: 430, y: 340 } });

		v.panBy(-10, 5);
		expect(remoteCursors(peers, 'img1', v)[0].screen).toEqual({ x: 420, y: 345 });
	});

	it('shows no cursor for a peer whose pointer is off the canvas', () => {
		// Garbage from a peer never gets here: Presence.peers() checks every state (presence-state.test.ts).
		expect(remoteCursors([peer(1, 'Ada')], 'img1', view())).toEqual([]);
	});
});

describe('remote selections', () => {
	it("outlines the bounds of each selected shape of this image in the peer's name and colour", () => {
		const peers = [peer(1, 'Ada', { selection: ['box1', 'poly1'] })];
		const out = remoteSelections(peers, 'img1', view(), (id) => shapes.get(id));
		expect(out).toEqual([
			{ clientId: 1, shapeId: 'box1', name: 'Ada', color: '#e5484d', left: 230, top: 140, width: 400, height: 200 },
			{ clientId: 1, shapeId: 'poly1', name: 'Ada', color: '#e5484d', left: 50, top: 80, width: 100, height: 140 }
		]);
	});

	it('skips shapes that are not here yet, are on another image, and peers on other images', () => {
		const peers = [peer(1, 'Ada', { selection: ['missing', 'other'] }), peer(2, 'Bo', { imageId: 'img2', selection: ['other'] })];
		expect(remoteSelections(peers, 'img1', view(), (id) => shapes.get(id))).toEqual([]);
	});
});

describe('peer places', () => {
	it('groups peers by the image they have open, leaving out those in the library', () => {
		const peers = [peer(1, 'Ada'), peer(2, 'Bo', { imageId: 'img2' }), peer(3, 'Cy'), peer(4, 'Di', { imageId: null })];
		const by = peersByImage(peers);
		expect([...by.keys()]).toEqual(['img1', 'img2']);
		expect(by.get('img1')!.map((p) => p.user.name)).toEqual(['Ada', 'Cy']);
		expect(peersOnImage(peers, 'img2').map((p) => p.user.name)).toEqual(['Bo']);
	});

	it("puts a name's first letter on a face", () => {
		expect(initial('ada')).toBe('A');
		expect(initial('  émile')).toBe('É');
		expect(initial('🦊 fox')).toBe('🦊');
		expect(initial('')).toBe('?');
	});
});
