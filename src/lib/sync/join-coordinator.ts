import { inParts, partMessages, readAnnouncement, JOIN_PARTS, stepOneStateVector, stepTwoUpdate, updatePayload, syncMessage, SPLIT_ABOVE_BYTES, PART_BYTES, FIRST_PART_BYTES } from './join-parts';

/**
 * One peer answers: y-webrtc asks every peer it connects to for what this device lacks (sync step 1),
 * and each answers with it, so a device joining a large project with k teammates online received the
 * whole project k times. This keeps at most one such request unanswered: a step 1 to another peer meanwhile
 * is held, and once the answer is in, the next held peer is asked afresh (with the state reached, so it
 * sends only what is still missing). When the answering peer leaves, goes silent, or cannot prove edit
 * rights, the next held peer is asked and takes over from the state reached.
 *
 * An answer that comes in parts (join-parts.ts) is a join: its parts are not passed on to the peers
 * whose own step 1 this device has seen lately (they would receive the project again, most of them
 * already have it); once it is in, each of those gets what it lacks against that step 1's state vector.
 * Other peers get the parts passed on as any update (a partial mesh still carries everything).
 *
 * Answers a step 1 whose answer is large itself, in parts written from the document, and splits any
 * other large step 2 this device sends (join-parts.ts). Pure: the links, the document and the clock are
 * given.
 */

export interface JoinLink {
	/** Sends a whole message as it is: no hold, no split. Throws when the link is closed. */
	sendNow(message: Uint8Array): void;
	/** Bytes received on the link so far, frames of unfinished messages included. */
	readonly bytesReceived: number;
}

export interface JoinDoc {
	stateVector(): Uint8Array;
	/** What a peer with this state vector lacks, as one update. */
	missing(stateVector: Uint8Array): Uint8Array;
	/**
	 * The same in parts (`split`'s sizes), written straight from the document (update-parts.ts,
	 * splitState), or null when it takes no more than `split.above` bytes.
	 */
	missingInParts?(stateVector: Uint8Array, split: JoinSplit): Uint8Array[] | null;
	/** Runs `apply`, which applies a join's part `update`, giving the doc's update listeners `update` as it is (model/pass-on.ts). */
	applyPassingOn?(update: Uint8Array, apply: () => void): void;
}

/** When a sync answer goes out in parts, and how large they are (join-parts.ts). */
export interface JoinSplit {
	/** An answer larger than this goes in parts. */
	above: number;
	partBytes: number;
	/** The first part (of an answer written from the document); each next one is twice as large, up to partBytes. */
	firstPartBytes: number;
}

export interface JoinClock {
	now(): number;
	every(ms: number, fn: () => void): () => void;
}

export const JOIN_TIMING = {
	/** An answering peer that sends nothing this long is passed over, if another peer can answer. */
	silentMs: 10_000,
	/**
	 * Nor may it send only what is not applied (say presence, or changes its failing edit proof holds
	 * back) for longer than this: a peer that keeps its link busy must not keep the others from answering.
	 */
	stalledMs: 30_000,
	/** A peer's step 1 seen this recently tells what it has when a join ends. */
	seenFreshMs: 60_000
};

interface Join<L> {
	/** Bytes carried over from a join that an earlier peer left unfinished. */
	base: number;
	received: number;
	total: number;
	/** Peers that get what they lack at the end instead of the parts. */
	receivers: Set<L>;
}

const realClock: JoinClock = {
	now: () => Date.now(),
	every: (ms, fn) => {
		const id = setInterval(fn, ms);
		return () => clearInterval(id);
	}
};

export class JoinCoordinator<L extends JoinLink> {
	/** The project arriving in parts now (bytes so far and in all), or null. */
	incoming: { received: number; total: number } | null = null;
	/** Called as parts arrive, and when the last is in. */
	onprogress: (() => void) | null = null;
	/** Bytes of document changes received in all (step 2 and updates): tests see the project arrive once. */
	changeBytes = 0;
	private answering: L | null = null;
	private standby: L[] = [];
	private readonly seen = new Map<L, { stateVector: Uint8Array; at: number }>();
	private readonly joins = new Map<L, Join<L>>();
	/** Bytes of a join whose peer left before the end: the next one goes on from there. */
	private carried = 0;
	/** The join whose part is being applied right now. */
	private applying: { from: L; join: Join<L> } | null = null;
	private lastBytes = 0;
	/** Parts of a join, and what came behind them, waiting to be applied one per task. */
	private queue: { link: L; message: Uint8Array; deliver: () => void }[] = [];
	/** When the answering peer was asked, or last had a change of its answer applied. */
	private lastProgressAt = 0;
	private readonly stopWatch: () => void;

	constructor(
		private readonly doc: JoinDoc,
		private readonly timing = JOIN_TIMING,
		private readonly clock: JoinClock = realClock,
		private readonly split: JoinSplit = { above: SPLIT_ABOVE_BYTES, partBytes: PART_BYTES, firstPartBytes: FIRST_PART_BYTES },
		/**
		 * When given, a join's parts are applied one per task from a queue of their own (and what arrives
		 * behind them waits its turn): the messages arriving meanwhile are taken in at once, so the page's
		 * input and drawing are not queued behind a backlog of parts. Null: each is applied as it arrives.
		 */
		private readonly nextTask: (() => Promise<void>) | null = null
	) {
		this.stopWatch = clock.every(timing.silentMs, () => this.watchSilence());
	}

	/** The messages to send for one that y-webrtc sends on `link`: held, split, or as it is. */
	outbound(link: L, message: Uint8Array): Uint8Array[] {
		if (stepOneStateVector(message)) {
			if (this.answering === null) this.ask(link);
			if (this.answering === link) return [message];
			if (!this.standby.includes(link)) this.standby.push(link);
			return [];
		}
		try {
			return inParts(message, this.split.above, this.split.partBytes);
		} catch (error) {
			console.error('A large sync answer could not be split; it goes out whole', error);
			return [message];
		}
	}

	/** A whole message from `link` that its gate let through; `deliver` hands it to y-webrtc. */
	inbound(link: L, message: Uint8Array, deliver: () => void): void {
		if (this.queue.length || (this.nextTask && this.joins.has(link) && message[0] === 0 && (message[1] === 1 || message[1] === 2))) {
			this.queue.push({ link, message, deliver });
			if (this.queue.length === 1) void this.drain();
			return;
		}
		this.take(link, message, deliver);
	}

	private async drain() {
		while (this.queue.length) {
			await this.nextTask!();
			const next = this.queue[0];
			if (!next) return; // destroyed
			try {
				this.take(next.link, next.message, next.deliver);
			} catch (error) {
				console.error('A change from a peer could not be applied', error);
			}
			this.queue.shift();
		}
	}

	private take(link: L, message: Uint8Array, deliver: () => void): void {
		if (message[0] === JOIN_PARTS) {
			// Only the peer asked answers in parts: another's announcement (broken or hostile) would hold
			// the project as "receiving" for as long as that peer likes. Its parts apply as any update.
			const announced = link === this.answering ? readAnnouncement(message) : null;
			if (announced) {
				this.startJoin(link, announced.total);
				this.lastProgressAt = this.clock.now();
			}
			return; // ours: y-webrtc would not know it
		}
		const stateVector = stepOneStateVector(message);
		if (stateVector) {
			this.sawStepOne(link, stateVector);
			// A large answer is written in parts here: y-webrtc would write it whole, for outbound to split.
			const answer = this.answerInParts(stateVector);
			if (answer) {
				for (const m of answer) this.send(link, m);
				return;
			}
		}
		const join = this.joins.get(link);
		const sync = message[0] === 0;
		const step2 = sync && message[1] === 1;
		if (link === this.answering && sync && (step2 || message[1] === 2)) this.lastProgressAt = this.clock.now();
		if (join && sync && (step2 || message[1] === 2)) {
			this.applying = { from: link, join };
			try {
				const update = this.doc.applyPassingOn ? (step2 ? stepTwoUpdate(message) : updatePayload(message)) : null;
				if (update) this.doc.applyPassingOn!(update.slice(), deliver);
				else deliver();
			} finally {
				this.applying = null;
			}
			join.received += message.byteLength;
			if (step2) this.endJoin(link, join);
			this.progress();
		} else deliver();
		if (sync && (step2 || message[1] === 2)) this.changeBytes += message.byteLength;
		if (step2 && this.answering === link) this.answered();
	}

	/**
	 * Whether a change being applied now goes on to `link` (no-echo.ts asks, for changes from peers): not
	 * a join's part to its sender, nor to a peer that gets what it lacks at the join's end.
	 */
	forwardsTo(link: L): boolean {
		const now = this.applying;
		return !now || (link !== now.from && !now.join.receivers.has(link));
	}

	/** The link closed: it neither answers nor is asked any more. */
	closed(link: L): void {
		this.leave(link);
		this.seen.delete(link);
	}

	/** Its changes are not applied (it cannot prove edit rights): another peer answers. */
	refused(link: L): void {
		this.leave(link);
	}

	destroy(): void {
		this.stopWatch();
		this.queue = [];
		this.onprogress = null;
	}

	private ask(link: L) {
		this.answering = link;
		this.lastBytes = link.bytesReceived;
		this.lastProgressAt = this.clock.now();
	}

	/** The next held peer is asked for what this device lacks now. */
	private askNext() {
		this.answering = null;
		const next = this.standby.shift();
		if (!next) return;
		this.ask(next);
		this.send(next, syncMessage('step1', this.doc.stateVector()));
	}

	private answered() {
		this.carried = 0;
		this.askNext();
	}

	private leave(link: L) {
		this.standby = this.standby.filter((l) => l !== link);
		const join = this.joins.get(link);
		if (join) {
			this.carried = join.base + join.received;
			this.joins.delete(link);
			this.progress();
		}
		if (this.answering === link) this.askNext();
	}

	private watchSilence() {
		const link = this.answering;
		if (!link) return;
		const bytes = link.bytesReceived;
		const silent = bytes === this.lastBytes || this.clock.now() - this.lastProgressAt >= this.timing.stalledMs;
		this.lastBytes = bytes;
		// With no one else to ask, a slow peer is better than none: asking it again would restart its answer.
		if (silent && this.standby.length) this.leave(link);
	}

	private sawStepOne(link: L, stateVector: Uint8Array) {
		this.seen.set(link, { stateVector, at: this.clock.now() });
		for (const [from, join] of this.joins) if (from !== link) join.receivers.add(link);
	}

	private startJoin(link: L, total: number) {
		const fresh = this.clock.now() - this.timing.seenFreshMs;
		const receivers = new Set([...this.seen].filter(([l, s]) => l !== link && s.at >= fresh).map(([l]) => l));
		this.joins.set(link, { base: this.carried, received: 0, total, receivers });
		this.progress();
	}

	/** The last part is in: the peers that did not get the parts get what they lack. */
	private endJoin(link: L, join: Join<L>) {
		this.joins.delete(link);
		for (const peer of join.receivers) {
			const seen = this.seen.get(peer);
			if (!seen) continue; // gone
			this.seen.delete(peer);
			const answer = this.answerInParts(seen.stateVector);
			if (answer) for (const m of answer) this.send(peer, m);
			else {
				const missing = this.doc.missing(seen.stateVector);
				if (missing.byteLength > 2) for (const m of this.outbound(peer, syncMessage('step2', missing))) this.send(peer, m);
			}
		}
	}

	/** The messages that answer a step 1 with `stateVector` in parts, or null when it is small (or cannot be). */
	private answerInParts(stateVector: Uint8Array): Uint8Array[] | null {
		if (!this.doc.missingInParts) return null;
		try {
			const parts = this.doc.missingInParts(stateVector, this.split);
			return parts ? partMessages(parts) : null;
		} catch (error) {
			console.error('A large sync answer could not be written in parts; Yjs answers it whole', error);
			return null;
		}
	}

	private send(link: L, message: Uint8Array) {
		try {
			link.sendNow(message);
		} catch {
			// closing: its close takes it out
		}
	}

	private progress() {
		let received = 0;
		let total = 0;
		for (const join of this.joins.values()) {
			received += join.base + join.received;
			total += join.base + join.total;
		}
		this.incoming = this.joins.size ? { received, total } : null;
		this.onprogress?.();
	}
}
