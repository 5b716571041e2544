/**
 * Whether a document's changes are in IndexedDB yet. `saving`: written, but some transaction has not
 * completed; `saved`: every transaction completed (IndexedDB's complete event, nothing earlier);
 * `unsaved`: the browser refused some changes (a full disk) and they are only in memory.
 */
export type SaveState = 'saved' | 'saving' | 'unsaved';

/**
 * Counts the writes in flight and tells listeners when the state changes, only then: an import issues
 * thousands of writes, and each costs two integer updates here.
 */
export class SaveTracker {
	private inFlight = 0;
	private refused = false;
	private current: SaveState = 'saved';
	private readonly listeners = new Set<(state: SaveState) => void>();

	get state(): SaveState {
		return this.current;
	}

	/** A transaction carrying changes was created. */
	started(): void {
		this.inFlight++;
		this.update();
	}

	/** One of them completed or aborted (an abort also calls `setRefused(true)`, before this). */
	finished(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		this.update();
	}

	/** Some changes are (or no longer are) held in memory because the browser refused them. */
	setRefused(refused: boolean): void {
		this.refused = refused;
		this.update();
	}

	onChange(listener: (state: SaveState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	clear(): void {
		this.listeners.clear();
	}

	private update(): void {
		const next: SaveState = this.refused ? 'unsaved' : this.inFlight ? 'saving' : 'saved';
		if (next === this.current) return;
		this.current = next;
		for (const l of this.listeners) l(next);
	}
}
