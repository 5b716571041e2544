import * as Y from 'yjs';

type UpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void;

/**
 * Runs `apply`, which applies `update` to `doc`, and hands the doc's 'update' listeners (storage, the
 * other peers, the other tabs) `update` itself for the transaction it makes, where Yjs would write that
 * transaction out again as a new update for them: a fifth of a large join's time went to that copy.
 *
 * What the listeners get is equivalent: the same changes, perhaps with some the doc already had (Yjs
 * ignores those). It stays in step with Yjs: given at the moment Yjs would give its own, before the
 * updates of what observers write in reaction, and only when the transaction changed something. A doc
 * with changes pending (waiting for ones they depend on) is left to Yjs: its update for this transaction
 * would also carry those once they apply, and `update` does not.
 */
export function applyPassingOn(doc: Y.Doc, update: Uint8Array, apply: () => void): void {
	// lib0's listener sets: internal, so a version without them is left to Yjs (the unit test fails then).
	const observers = (doc as unknown as { _observers?: unknown })._observers;
	if (!(observers instanceof Map) || doc.store.pendingStructs || doc.store.pendingDs) return apply();
	let own: Y.Transaction | null = null;
	let detached: UpdateListener[] | null = null;
	const begin = (tr: Y.Transaction) => void (own ??= tr);
	const handOver = (tr: Y.Transaction) => {
		// Yjs checks for 'update' listeners right after this event: with none, it writes nothing.
		if (tr !== own || !changedAnything(tr)) return;
		const listeners = [...((observers as Map<string, Set<UpdateListener>>).get('update') ?? [])];
		for (const l of listeners) doc.off('update', l);
		detached = listeners;
		for (const l of listeners) l(update, tr.origin, doc, tr);
	};
	// Back before the next transaction's observers run, or when there is none.
	const reattach = () => {
		if (!detached) return;
		for (const l of detached) doc.on('update', l);
		detached = null;
	};
	doc.on('beforeTransaction', begin);
	doc.on('afterTransactionCleanup', handOver);
	doc.on('beforeObserverCalls', reattach);
	doc.on('afterAllTransactions', reattach);
	try {
		apply();
	} finally {
		reattach();
		doc.off('beforeTransaction', begin);
		doc.off('afterTransactionCleanup', handOver);
		doc.off('beforeObserverCalls', reattach);
		doc.off('afterAllTransactions', reattach);
	}
}

/** Yjs' own test before it writes a transaction's update (writeUpdateMessageFromTransaction). */
function changedAnything(tr: Y.Transaction): boolean {
	if (tr.deleteSet.clients.size > 0) return true;
	for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) return true;
	return false;
}
