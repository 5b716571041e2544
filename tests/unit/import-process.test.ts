import { describe, expect, it } from 'vitest';
import { StorageFullError } from '$lib/storage/db';
import { sha256Hex } from '$lib/storage/blobs';
import { runImport, type ImportDeps } from '$lib/storage/import/process';
import type { FileOutcome, FromWorker, ImportFileInput } from '$lib/storage/import/protocol';

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bytes that sniff as PNG; the fake decoder "decodes" them unless they contain the marker 0xee. */
const png = (...body: number[]) => new Blob([new Uint8Array([...PNG_SIG, ...body])]);
const file = (name: string, blob: Blob): ImportFileInput => ({ name, file: blob });

function fakeDeps(options: { quotaBytes?: number } = {}) {
	const stored: { hash: string; mime: string }[] = [];
	let used = 0;
	const deps: ImportDeps = {
		hash: (bytes) => sha256Hex(bytes),
		async decode(blob) {
			const b = new Uint8Array(await blob.arrayBuffer());
			if (b.includes(0xee)) throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
			return { width: 4, height: 3, thumbnail: async () => new Blob(['t']), close() {} };
		},
		async store(entry, label) {
			if (options.quotaBytes !== undefined && used + entry.blob.size > options.quotaBytes) throw new StorageFullError(label);
			used += entry.blob.size;
			stored.push({ hash: entry.hash, mime: entry.mime });
		}
	};
	return { deps, stored };
}

async function run(files: ImportFileInput[], deps: ImportDeps, known = new Map<string, string>()) {
	const messages: FromWorker[] = [];
	await runImport({ requestId: 7, files, knownHashes: known }, deps, (m) => messages.push(m), () => false);
	const outcomes = messages.filter((m) => m.type === 'outcome').map((m) => (m as { outcome: FileOutcome }).outcome);
	const done = messages.at(-1);
	expect(messages.every((m) => m.requestId === 7)).toBe(true);
	return { outcomes: outcomes.sort((a, b) => a.index - b.index), done };
}

describe('import pipeline (worker side)', () => {
	it('stores valid images with their sniffed type and reports each bad file with a reason', async () => {
		const { deps, stored } = fakeDeps();
		const { outcomes, done } = await run(
			[
				file('a.png', png(1)),
				file('notes.jpg', new Blob(['definitely not an image'])),
				file('empty.png', new Blob([])),
				file('broken.png', png(0xee)),
				file('b.png', png(2))
			],
			deps
		);
		expect(outcomes.map((o) => [o.name, o.kind])).toEqual([
			['a.png', 'stored'],
			['notes.jpg', 'failed'],
			['empty.png', 'failed'],
			['broken.png', 'failed'],
			['b.png', 'stored']
		]);
		const reasons = outcomes.filter((o) => o.kind === 'failed').map((o) => (o as { reason: string }).reason);
		expect(reasons[0]).toMatch(/not a supported image/);
		expect(reasons[1]).toMatch(/empty/);
		expect(reasons[2]).toMatch(/damaged.*PNG/);
		expect(stored).toHaveLength(2);
		expect(stored.every((s) => s.mime === 'image/png')).toBe(true);
		expect(done).toEqual({ type: 'done', requestId: 7, stopped: null, untried: [] });
	});

	it('skips exact duplicates of project images and within the batch, without storing them', async () => {
		const { deps, stored } = fakeDeps();
		// The first file hashes slowest: its copy, later in the batch, must still be the one skipped.
		let calls = 0;
		const slowFirst: ImportDeps = {
			...deps,
			async hash(bytes) {
				const first = calls++ === 0;
				const hash = await deps.hash(bytes);
				if (first) await new Promise((r) => setTimeout(r, 30));
				return hash;
			}
		};
		const existing = png(9);
		const known = new Map([[await sha256Hex(await existing.arrayBuffer()), 'old.png']]);
		const { outcomes } = await run([file('x.png', png(5)), file('again.png', png(9)), file('x-copy.png', png(5))], slowFirst, known);
		expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'duplicate', 'duplicate']);
		expect(outcomes[1]).toMatchObject({ of: 'project', firstName: 'old.png' });
		expect(outcomes[2]).toMatchObject({ of: 'batch', firstName: 'x.png' });
		expect(stored).toHaveLength(1);
	});

	it('stops at a full disk: what was stored stays stored, the rest is listed as untried', async () => {
		const files = Array.from({ length: 6 }, (_, i) => file(`img${i}.png`, png(i, ...new Array(100).fill(1))));
		const { deps, stored } = fakeDeps({ quotaBytes: 108 * 3 + 50 });
		const { outcomes, done } = await run(files, deps);
		expect(stored).toHaveLength(3);
		expect(outcomes.filter((o) => o.kind === 'stored')).toHaveLength(3);
		expect(outcomes.some((o) => o.kind === 'storage-full')).toBe(true);
		expect(done).toMatchObject({ type: 'done', stopped: 'storage-full' });
		const accounted = outcomes.length + (done as { untried: number[] }).untried.length;
		expect(accounted).toBe(6);
	});
});
