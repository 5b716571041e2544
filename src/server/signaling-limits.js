// What one signaling connection may cost the server. y-webrtc needs a small fraction of each: a tab
// joins one room per open shared project, and its messages are encrypted offers, answers and ICE
// candidates of a few KiB. A client past a limit is refused or dropped, never buffered for.
// docs/architecture.md ("Serving") lists them.

export const SIGNALING_LIMITS = Object.freeze({
	/** Rooms one connection may be in; later subscribes are ignored, and the client is told. */
	maxTopicsPerConnection: 64,
	/** Characters of a room name (ours: 64, a SHA-256 in hex); longer ones are not subscribed to. */
	maxTopicLength: 256,
	/** Bytes of one message (the WebSocket's maxPayload): larger ones close the connection (1009). */
	maxMessageBytes: 64 * 1024,
	/**
	 * Messages a connection may send: a token bucket of `messageBurst` tokens refilled at
	 * `messagesPerSecond`. A tab joining a busy room sends an offer and a handful of ICE candidates per
	 * peer at once, hence the burst. Past it the connection is closed (1008).
	 */
	messagesPerSecond: 128,
	messageBurst: 512,
	/**
	 * Bytes waiting to reach a client that reads too slowly (or not at all): past `softBufferedBytes`
	 * for longer than `softBufferedMs`, or past `hardBufferedBytes` at once, the connection is dropped.
	 */
	softBufferedBytes: 4 * 1024 * 1024,
	softBufferedMs: 5_000,
	hardBufferedBytes: 16 * 1024 * 1024
});

/** Close codes and reasons a dropped client gets (a reason is at most 123 bytes). */
export const CLOSE_TOO_MANY_MESSAGES = 1008;

/** A token bucket: `take()` is false once more than `burst` messages came faster than `perSecond`. */
export class TokenBucket {
	#tokens;
	#last;
	constructor(perSecond, burst, now = Date.now) {
		this.perSecond = perSecond;
		this.burst = burst;
		this.now = now;
		this.#tokens = burst;
		this.#last = now();
	}
	take() {
		const t = this.now();
		this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
		this.#last = t;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}

/**
 * Watches what waits in a connection's send buffer: `tooFull(buffered)` is true past the hard limit, or
 * past the soft one for longer than its grace.
 */
export class BufferWatch {
	#overSince = null;
	constructor(limits, now = Date.now) {
		this.limits = limits;
		this.now = now;
	}
	tooFull(buffered) {
		if (buffered > this.limits.hardBufferedBytes) return true;
		if (buffered <= this.limits.softBufferedBytes) {
			this.#overSince = null;
			return false;
		}
		this.#overSince ??= this.now();
		return this.now() - this.#overSince > this.limits.softBufferedMs;
	}
}
