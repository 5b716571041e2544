import { describe, expect, it, vi } from 'vitest';
import { EditGate, HOLD_LIMITS, messageKind } from '$lib/sync/edit-gate';
import { inParts, JOIN_PARTS } from '$lib/sync/join-parts';

/** A sync message of y-webrtc: type 0, then step 1 (0), step 2 (1) or update (2), then a payload byte. */
const sync = (type: number, tag: number) => new Uint8Array([0, type, 1, tag]).buffer;
const step1 = sync(0, 0);

/** Tasks that run only when the test says so. */
function manualTasks() {
	const waiting: (() => void)[] = [];
	return {
		nextTask: () => new Promise<void>((resolve) => waiting.push(resolve)),
		/** Lets one task run, and what it starts settle. */
		async run() {
			waiting.shift()?.();
			await new Promise((r) => setTimeout(r, 0));
		},
		get pending() {
			return waiting.length;
		}
	};
}

describe('the edit gate, once proven', () => {
	it('delivers what it held one message per task, and changes that come meanwhile after them', async () => {
		const tasks = manualTasks();
		const gate = new EditGate(true, HOLD_LIMITS, tasks.nextTask);
		const delivered: number[] = [];
		const receive = (m: ArrayBuffer) => gate.receive(m, (x) => delivered.push(new Uint8Array(x)[3]));
		for (let i = 1; i <= 3; i++) receive(sync(2, i));
		expect(delivered).toEqual([]);
		gate.prove();
		expect(delivered).toEqual([1]); // the first at once
		receive(sync(1, 4)); // arrives while draining: behind the held ones
		receive(step1); // asks for nothing to be changed: passes at once
		expect(delivered).toEqual([1, 0]);
		await tasks.run();
		expect(delivered).toEqual([1, 0, 2]);
		await tasks.run();
		await tasks.run();
		expect(delivered).toEqual([1, 0, 2, 3, 4]);
		await gate.drained();
		receive(sync(2, 5)); // drained: straight through again
		expect(delivered).toEqual([1, 0, 2, 3, 4, 5]);
		expect(tasks.pending).toBe(0);
	});

	it('goes on after a message that fails to apply', async () => {
		const gate = new EditGate(true);
		const delivered: number[] = [];
		const error = vi.spyOn(console, 'error').mockImplementation(() => {});
		gate.receive(sync(2, 1), () => {
			throw new Error('broken');
		});
		gate.receive(sync(2, 2), (x) => delivered.push(new Uint8Array(x)[3]));
		gate.prove();
		await gate.drained();
		expect(delivered).toEqual([2]);
		expect(error).toHaveBeenCalled();
		error.mockRestore();
	});

	it('lets the announcement of a document in parts through, on an editor not yet proven too', () => {
		const [announcement] = inParts(new Uint8Array([0, 1, ...new Array(40).fill(0)]), 10, 8).slice(0, 1);
		expect(announcement[0]).toBe(JOIN_PARTS);
		expect(messageKind(announcement)).toBe('join-parts');
		const delivered: ArrayBuffer[] = [];
		new EditGate(true).receive(announcement.slice().buffer, (m) => delivered.push(m));
		expect(delivered).toHaveLength(1);
	});
});
