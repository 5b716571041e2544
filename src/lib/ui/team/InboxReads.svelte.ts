/**
 * Which inbox entries this device has read, per project: a set of comment ids in localStorage (a
 * last-read time would miss a comment that arrives late with an older time). Other tabs' reads
 * come in through the storage event.
 */
const PREFIX = 'peerlabel.inbox.read.';
/** The most ids kept per project (the oldest go first): an old comment forgotten shows as unread again. */
const MAX_IDS = 5000;

class InboxReads {
	revision = $state(0);
	private readonly cache = new Map<string, Set<string>>();
	private listening = false;

	private listen(): void {
		if (this.listening || typeof window === 'undefined') return;
		this.listening = true;
		window.addEventListener('storage', (e) => {
			if (e.key !== null && !e.key.startsWith(PREFIX)) return;
			this.cache.clear();
			this.revision++;
		});
	}

	/** The comment ids read in a project (reactive: read `revision`). */
	readIn(projectId: string): ReadonlySet<string> {
		void this.revision;
		this.listen();
		let set = this.cache.get(projectId);
		if (!set) {
			set = new Set(load(projectId));
			this.cache.set(projectId, set);
		}
		return set;
	}

	markRead(projectId: string, ids: Iterable<string>): void {
		const set = new Set(this.readIn(projectId));
		const before = set.size;
		for (const id of ids) set.add(id);
		if (set.size === before) return;
		const kept = [...set].slice(-MAX_IDS);
		this.cache.set(projectId, new Set(kept));
		try {
			localStorage.setItem(PREFIX + projectId, JSON.stringify(kept));
		} catch {
			// Storage full or blocked: read in this tab until it closes.
		}
		this.revision++;
	}
}

function load(projectId: string): string[] {
	try {
		const raw = JSON.parse(localStorage.getItem(PREFIX + projectId) ?? '[]');
		return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
	} catch {
		return [];
	}
}

export const inboxReads = new InboxReads();

/**
 * A thread the inbox asked the editor to open (the image's editor may already be open at that
 * address, so the `?thread=` in it would not change): bumped on every request.
 */
export const threadRequest = $state<{ imageId: string | null; threadId: string | null; n: number }>({ imageId: null, threadId: null, n: 0 });
