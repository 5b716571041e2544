import { describe, expect, it } from 'vitest';
import { SaveTracker, type SaveState } from '$lib/storage/save-state';

describe('SaveTracker', () => {
	function tracked() {
		const tracker = new SaveTracker();
		const seen: SaveState[] = [];
		tracker.onChange((s) => seen.push(s));
		return { tracker, seen };
	}

	it('says saved only once every write in flight has finished', () => {
		const { tracker, seen } = tracked();
		expect(tracker.state).toBe('saved');
		tracker.started();
		tracker.started();
		tracker.finished();
		expect(tracker.state).toBe('saving');
		tracker.finished();
		expect(tracker.state).toBe('saved');
		expect(seen).toEqual(['saving', 'saved']);
	});

	it('tells listeners of changes only, not of every write (an import makes thousands)', () => {
		const { tracker, seen } = tracked();
		for (let i = 0; i < 10_000; i++) tracker.started();
		for (let i = 0; i < 10_000; i++) tracker.finished();
		expect(seen).toEqual(['saving', 'saved']);
	});

	it('says unsaved while refused changes wait, whatever else completes, until they are stored', () => {
		const { tracker, seen } = tracked();
		tracker.started();
		tracker.setRefused(true); // its transaction aborted…
		tracker.finished();
		tracker.started(); // …a later edit completes meanwhile
		tracker.finished();
		expect(tracker.state).toBe('unsaved');
		tracker.started(); // the retry
		tracker.setRefused(false);
		expect(tracker.state).toBe('saving');
		tracker.finished();
		expect(seen).toEqual(['saving', 'unsaved', 'saving', 'saved']);
	});

	it('stops calling a listener once unsubscribed', () => {
		const tracker = new SaveTracker();
		const seen: SaveState[] = [];
		const stop = tracker.onChange((s) => seen.push(s));
		tracker.started();
		stop();
		tracker.finished();
		expect(seen).toEqual(['saving']);
	});
});
