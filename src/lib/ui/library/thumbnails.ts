import { getThumbnails } from '$lib/storage/blobs';

/**
 * Thumbnails for the library grid. Requests made in the same tick are read in one IndexedDB
 * transaction; recently used thumbnails stay in memory (as Blobs: cells make and revoke their own
 * object URLs), so scrolling back and forth does not hit the database again.
 */
const MAX_CACHED = 800;
const cache = new Map<string, Blob | null>();
let waiting = new Map<string, ((blob: Blob | null) => void)[]>();
let scheduled = false;

function remember(hash: string, blob: Blob | null): void {
	cache.delete(hash);
	cache.set(hash, blob);
	if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
}

async function flush(): Promise<void> {
	scheduled = false;
	const batch = waiting;
	waiting = new Map();
	let found = new Map<string, Blob>();
	try {
		found = await getThumbnails([...batch.keys()]);
	} catch {
		// unreadable: the cells show their placeholder
	}
	for (const [hash, callbacks] of batch) {
		const blob = found.get(hash) ?? null;
		if (blob) remember(hash, blob);
		for (const cb of callbacks) cb(blob);
	}
}

export function thumbnailBlob(hash: string): Promise<Blob | null> {
	const cached = cache.get(hash);
	if (cached) {
		remember(hash, cached);
		return Promise.resolve(cached);
	}
	return new Promise((resolve) => {
		const list = waiting.get(hash);
		if (list) list.push(resolve);
		else waiting.set(hash, [resolve]);
		if (!scheduled) {
			scheduled = true;
			setTimeout(flush, 0);
		}
	});
}
