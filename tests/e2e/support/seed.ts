/**
 * Seeds a project straight into the browser's IndexedDB, as the app would have stored it: the
 * project-list entry, the y-indexeddb document and a few thumbnails. For tests that need a large
 * or annotated project without importing thousands of files through the UI.
 */
import * as Y from 'yjs';
import type { Page } from '@playwright/test';
import { SCHEMA_VERSION } from '../../../src/lib/model/schema';
import { CLASS_DEFAULTS } from '../../../src/lib/model/records';
import { encodeAnnotation } from '../../../src/lib/model/record-codec';
import { PACKED_ANNOTATIONS } from '../../../src/lib/model/annotation-store';

export interface SeedOptions {
	name: string;
	images: number;
	/** Distinct thumbnails shared by the images (image i uses thumbnail i % thumbnails). */
	thumbnails?: number;
	/** Classes to create, by name. */
	classes?: string[];
	/** Review stage (annotate when left out) and annotations (class index per box) of image i. */
	imageSetup?: (i: number) => { stage?: 'annotate' | 'review' | 'done'; boxes?: number[] };
}

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(14 - prefix.length, '0')}`;

export async function seedProject(page: Page, options: SeedOptions): Promise<string> {
	const projectId = `seed${Date.now().toString(36)}`.slice(0, 16);
	const thumbs = Math.max(1, options.thumbnails ?? 8);
	const ydoc = new Y.Doc();
	const now = Date.now();
	ydoc.transact(() => {
		const meta = ydoc.getMap('meta');
		meta.set('schemaVersion', SCHEMA_VERSION);
		meta.set('settings', { name: options.name, description: '', createdAt: now });
		const classes = ydoc.getMap('classes');
		const classIds = (options.classes ?? []).map((name, n) => {
			const cid = id('cls', n);
			classes.set(cid, { ...CLASS_DEFAULTS, id: cid, name, color: ['#e6194b', '#3cb44b', '#4363d8'][n % 3], hotkey: String(n + 1), order: n });
			return cid;
		});
		const images = ydoc.getMap('images');
		const annotations = ydoc.getMap(PACKED_ANNOTATIONS);
		for (let i = 0; i < options.images; i++) {
			const iid = id('img', i);
			const setup = options.imageSetup?.(i) ?? {};
			images.set(iid, {
				id: iid,
				name: `frame_${String(i).padStart(5, '0')}.jpg`,
				hash: `thumb${i % thumbs}`,
				width: 640,
				height: 480,
				mime: 'image/jpeg',
				size: 50_000,
				addedAt: now + i * 1e-3
			});
			if (setup.stage && setup.stage !== 'annotate') ydoc.getMap('stages').set(iid, { imageId: iid, stage: setup.stage, by: 'seed', at: now });
			(setup.boxes ?? []).forEach((classIndex, k) => {
				const aid = `${iid}a${k}`;
				const packed = encodeAnnotation({
					id: aid,
					imageId: iid,
					classId: classIds[classIndex],
					type: 'box',
					geometry: { x: 10 + k * 20, y: 10, width: 15, height: 15 },
					attributes: {},
					z: k + 1,
					author: 'seed',
					createdAt: now,
					updatedAt: now
				});
				if (!packed.ok) throw new Error(packed.reason);
				annotations.set(aid, packed.value);
			});
		}
	});
	const update = Buffer.from(Y.encodeStateAsUpdate(ydoc)).toString('base64');

	await page.evaluate(
		async ({ projectId, name, update, thumbs, now }) => {
			const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
			const done = (tx: IDBTransaction) => new Promise<void>((ok, fail) => ((tx.oncomplete = () => ok()), (tx.onerror = () => fail(tx.error))));
			const bytes = Uint8Array.from(atob(update), (c) => c.charCodeAt(0));

			const docDb = await new Promise<IDBDatabase>((ok, fail) => {
				const r = indexedDB.open(`peerlabel-project-${projectId}`, 1);
				r.onupgradeneeded = () => {
					r.result.createObjectStore('updates', { autoIncrement: true });
					r.result.createObjectStore('custom');
				};
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			const t1 = docDb.transaction('updates', 'readwrite');
			t1.objectStore('updates').add(bytes);
			await done(t1);
			docDb.close();

			const appDb = await req(indexedDB.open('peerlabel'));
			const thumbnails: { hash: string; blob: Blob }[] = [];
			for (let n = 0; n < thumbs; n++) {
				const canvas = new OffscreenCanvas(160, 120);
				const ctx = canvas.getContext('2d')!;
				ctx.fillStyle = `hsl(${n * 47} 55% 45%)`;
				ctx.fillRect(0, 0, 160, 120);
				ctx.fillStyle = 'rgba(255,255,255,.8)';
				ctx.fillRect(20 + n * 9, 30, 50, 40);
				thumbnails.push({ hash: `thumb${n}`, blob: await canvas.convertToBlob({ type: 'image/webp' }) });
			}
			const t2 = appDb.transaction(['projects', 'thumbnails'], 'readwrite');
			t2.objectStore('projects').put({ id: projectId, name, createdAt: now, openedAt: now });
			for (const t of thumbnails) t2.objectStore('thumbnails').put(t);
			await done(t2);
			appDb.close();
		},
		{ projectId, name: options.name, update, thumbs, now }
	);
	return projectId;
}

/** Counts of what IndexedDB holds for a project: blob references, and which of the hashes have bytes and thumbnails. */
export async function storedFor(page: Page, projectId: string): Promise<{ refs: string[]; blobs: number; thumbnails: number }> {
	return page.evaluate(async (projectId) => {
		const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
		const database = await req(indexedDB.open('peerlabel'));
		const tx = database.transaction(['blobRefs', 'blobs', 'thumbnails']);
		const refs = (await req(tx.objectStore('blobRefs').index('byProject').getAll(projectId))) as { hash: string }[];
		const hashes = refs.map((r) => r.hash);
		let blobs = 0;
		let thumbnails = 0;
		for (const h of hashes) {
			if ((await req(tx.objectStore('blobs').count(h))) > 0) blobs++;
			if ((await req(tx.objectStore('thumbnails').count(h))) > 0) thumbnails++;
		}
		database.close();
		return { refs: hashes, blobs, thumbnails };
	}, projectId);
}
