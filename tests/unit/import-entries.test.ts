import { describe, expect, it } from 'vitest';
import {
	gatherEntries,
	gatherInputFiles,
	readAllEntries,
	type DirectoryEntryLike,
	type EntryLike,
	type FileEntryLike
} from '$lib/storage/import/entries';

function fileEntry(path: string, type = ''): FileEntryLike {
	const name = path.slice(path.lastIndexOf('/') + 1);
	return {
		isFile: true,
		isDirectory: false,
		name,
		fullPath: '/' + path,
		file: (ok) => setTimeout(() => ok(new File(['x'], name, { type })), 0)
	};
}

/** A directory whose reader hands out entries in batches, as Chromium does (100 at a time). */
function dirEntry(path: string, children: EntryLike[], batch = 100): DirectoryEntryLike & { calls: number } {
	const dir = {
		isFile: false,
		isDirectory: true,
		name: path.slice(path.lastIndexOf('/') + 1),
		fullPath: '/' + path,
		calls: 0,
		createReader() {
			let at = 0;
			return {
				readEntries(ok: (e: EntryLike[]) => void) {
					dir.calls++;
					const next = children.slice(at, at + batch);
					at += next.length;
					setTimeout(() => ok(next), 0);
				}
			};
		}
	};
	return dir;
}

describe('reading dropped folders', () => {
	it('calls readEntries until it returns an empty batch', async () => {
		const children = Array.from({ length: 250 }, (_, i) => fileEntry(`big/img${i}.png`));
		const dir = dirEntry('big', children);
		const all = await readAllEntries(dir.createReader());
		expect(all).toHaveLength(250);
		expect(dir.calls).toBe(4); // 100 + 100 + 50 + the empty batch
	});

	it('walks nested folders, keeps paths, sorts naturally and skips non-images found in folders', async () => {
		const tree = dirEntry('set', [
			fileEntry('set/img10.png'),
			fileEntry('set/img2.png'),
			fileEntry('set/labels.txt'),
			fileEntry('set/.DS_Store'),
			dirEntry('set/night', [fileEntry('set/night/a.jpg'), fileEntry('set/night/readme.md')], 1)
		]);
		const loose = fileEntry('notes.txt'); // dropped on its own: tried (and reported) rather than skipped
		const found = await gatherEntries([tree, loose]);
		expect(found.files.map((f) => f.name)).toEqual(['notes.txt', 'set/img2.png', 'set/img10.png', 'set/night/a.jpg']);
		expect(found.skipped.sort()).toEqual(['set/.DS_Store', 'set/labels.txt', 'set/night/readme.md']);
		expect(found.unreadable).toEqual([]);
	});

	it('reports a folder it cannot read and goes on with the others', async () => {
		const broken: DirectoryEntryLike = {
			isFile: false,
			isDirectory: true,
			name: 'locked',
			fullPath: '/locked',
			createReader: () => ({ readEntries: (_ok, fail) => fail?.(new Error('NotReadableError')) })
		};
		const found = await gatherEntries([broken, fileEntry('ok.png')]);
		expect(found.files.map((f) => f.name)).toEqual(['ok.png']);
		expect(found.unreadable).toEqual([{ name: 'locked', reason: 'NotReadableError' }]);
	});
});

describe('files from inputs', () => {
	it('uses the path inside a picked folder and skips non-images there', () => {
		const inFolder = (path: string, type = '') => {
			const f = new File(['x'], path.slice(path.lastIndexOf('/') + 1), { type });
			Object.defineProperty(f, 'webkitRelativePath', { value: path });
			return f;
		};
		const found = gatherInputFiles([inFolder('shots/b.png', 'image/png'), inFolder('shots/a.jpg'), inFolder('shots/info.json')]);
		expect(found.files.map((f) => f.name)).toEqual(['shots/a.jpg', 'shots/b.png']);
		expect(found.skipped).toEqual(['shots/info.json']);
		const picked = gatherInputFiles([new File(['x'], 'broken.jpg')]);
		expect(picked.files.map((f) => f.name)).toEqual(['broken.jpg']);
	});
});
