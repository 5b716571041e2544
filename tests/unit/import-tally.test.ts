import { describe, expect, it } from 'vitest';
import { DuplicateFilter } from '$lib/storage/import/duplicates';
import { ImportTally, listNames, type StoredImage } from '$lib/storage/import/tally';
import type { FileOutcome } from '$lib/storage/import/protocol';

const stored = (index: number, name = `img${index}.png`): FileOutcome => ({
	kind: 'stored',
	index,
	name,
	hash: `h${index}`,
	width: 10,
	height: 10,
	mime: 'image/png',
	size: 100
});

describe('DuplicateFilter', () => {
	it('finds copies of project images and of earlier files of the same import', () => {
		const f = new DuplicateFilter(new Map([['aaa', 'old.png']]));
		expect(f.claim('aaa', 'again.png')).toEqual({ of: 'project', firstName: 'old.png' });
		expect(f.claim('bbb', 'one.png')).toBeNull();
		expect(f.claim('bbb', 'copy-of-one.png')).toEqual({ of: 'batch', firstName: 'one.png' });
	});

	it('lets a later copy in when the first one could not be stored', () => {
		const f = new DuplicateFilter();
		expect(f.claim('ccc', 'first.png')).toBeNull();
		f.release('ccc', 'first.png');
		expect(f.claim('ccc', 'second.png')).toBeNull();
		f.release('ccc', 'first.png'); // not its claim any more: no effect
		expect(f.claim('ccc', 'third.png')).toEqual({ of: 'batch', firstName: 'second.png' });
	});
});

describe('ImportTally', () => {
	it('commits stored images in batches, in file order, not one transaction per image', () => {
		const commits: number[][] = [];
		const names = Array.from({ length: 120 }, (_, i) => `img${i}.png`);
		const tally = new ImportTally(names, (batch) => (commits.push(batch.map((b) => b.index)), null), { batchSize: 50 });
		// outcomes arrive out of order (two files in flight at once)
		for (let i = 0; i < 120; i += 2) {
			tally.add(stored(i + 1));
			tally.add(stored(i));
		}
		expect(commits.map((c) => c.length)).toEqual([50, 50]);
		expect(commits[0]).toEqual([...commits[0]].sort((a, b) => a - b));
		const summary = tally.finish(null, []);
		expect(commits.map((c) => c.length)).toEqual([50, 50, 20]);
		expect(summary).toMatchObject({ total: 120, done: 120, imported: 120, finished: true, storageFull: null });
	});

	it('reports duplicates and failures by name and still imports the rest', () => {
		const committed: StoredImage[] = [];
		const tally = new ImportTally(['a.png', 'bad.jpg', 'a-copy.png', 'b.png'], (b) => (committed.push(...b), null));
		tally.add(stored(0, 'a.png'));
		tally.add({ kind: 'failed', index: 1, name: 'bad.jpg', reason: 'the file is damaged' });
		tally.add({ kind: 'duplicate', index: 2, name: 'a-copy.png', hash: 'h0', of: 'batch', firstName: 'a.png' });
		tally.add(stored(3, 'b.png'));
		const s = tally.finish(null, []);
		expect(committed.map((c) => c.name)).toEqual(['a.png', 'b.png']);
		expect(s.imported).toBe(2);
		expect(s.failed).toEqual([{ name: 'bad.jpg', reason: 'the file is damaged' }]);
		expect(s.duplicates).toEqual([{ name: 'a-copy.png', of: 'batch', firstName: 'a.png' }]);
	});

	it('on a full disk commits what was stored and names what was not', () => {
		const committed: string[] = [];
		const names = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'];
		const tally = new ImportTally(names, (b) => (committed.push(...b.map((x) => x.name)), null), { batchSize: 50 });
		tally.add(stored(0, 'a.png'));
		tally.add(stored(1, 'b.png'));
		tally.add({ kind: 'storage-full', index: 2, name: 'c.png', message: 'Storage is full' });
		const s = tally.finish('storage-full', [3, 4]);
		expect(committed).toEqual(['a.png', 'b.png']);
		expect(s.imported).toBe(2);
		expect(s.storageFull?.notImported).toEqual(['c.png', 'd.png', 'e.png']);
		expect(s.storageFull?.message).toMatch(/^2 images of 5 imported\. Storage is full: c\.png, d\.png and e\.png could not be saved/);
	});

	it('reports images the document refused as failed, not imported', () => {
		const tally = new ImportTally(['a.png'], () => 'This project was saved by a newer version');
		tally.add(stored(0, 'a.png'));
		const s = tally.finish(null, []);
		expect(s.imported).toBe(0);
		expect(s.failed).toEqual([{ name: 'a.png', reason: 'This project was saved by a newer version' }]);
	});

	it('lists files a cancelled import never tried', () => {
		const tally = new ImportTally(['a.png', 'b.png', 'c.png'], () => null);
		tally.add(stored(0, 'a.png'));
		const s = tally.finish('cancelled', [1, 2]);
		expect(s.cancelled).toEqual(['b.png', 'c.png']);
		expect(s.imported).toBe(1);
	});

	it('lists names shortly', () => {
		expect(listNames(['a'])).toBe('a');
		expect(listNames(['a', 'b'])).toBe('a and b');
		expect(listNames(['a', 'b', 'c'])).toBe('a, b and c');
		expect(listNames(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
	});
});
