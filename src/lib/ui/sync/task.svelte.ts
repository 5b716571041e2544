/** One action at a time from a dialog: `busy` while it runs, its failure as a message a person reads. */
export class Task {
	busy = $state(false);
	error = $state<string | null>(null);

	async run(task: () => Promise<unknown>): Promise<void> {
		this.busy = true;
		this.error = null;
		try {
			await task();
		} catch (e) {
			this.error = e instanceof Error ? e.message : String(e);
		} finally {
			this.busy = false;
		}
	}
}
