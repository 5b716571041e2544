import * as Y from 'yjs';
import { applyAwarenessUpdate, encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness';

/**
 * Keeps the tabs of one browser that have the same project open in sync, over a BroadcastChannel
 * (same origin only, so nothing leaves the device and no encryption is needed).
 *
 * A tab that opens says hello with its state vector; each other tab answers with only what the
 * newcomer lacks, and its own state vector, to which the newcomer answers the same way. After that,
 * every update and presence change is posted as it happens. Opening a large project in one tab thus
 * costs nothing when no other tab has it open, and a state vector (bytes) when one has.
 */

type TabMessage =
	| { t: 'hello'; sv: Uint8Array }
	| { t: 'hello-back'; sv: Uint8Array; to: string }
	| { t: 'update'; update: Uint8Array }
	| { t: 'awareness'; update: Uint8Array };

/** An update that carries nothing: no structs, empty delete set. */
const EMPTY_UPDATE_BYTES = 2;

export class TabSync {
	private readonly channel: BroadcastChannel;
	private readonly id = crypto.randomUUID();

	constructor(
		projectId: string,
		private readonly doc: Y.Doc,
		private readonly awareness: Awareness
	) {
		this.channel = new BroadcastChannel(`peerlabel-tabs:${projectId}`);
		this.channel.onmessage = (e: MessageEvent<TabMessage & { from?: string }>) => this.receive(e.data);
		doc.on('update', this.docUpdated);
		awareness.on('update', this.awarenessUpdated);
		this.post({ t: 'hello', sv: Y.encodeStateVector(doc) });
		this.postAwareness([doc.clientID]);
	}

	destroy(): void {
		this.doc.off('update', this.docUpdated);
		this.awareness.off('update', this.awarenessUpdated);
		this.channel.close();
	}

	private post(message: TabMessage) {
		this.channel.postMessage({ ...message, from: this.id });
	}

	private postAwareness(clients: number[]) {
		this.post({ t: 'awareness', update: encodeAwarenessUpdate(this.awareness, clients) });
	}

	private sendMissing(sv: Uint8Array) {
		const update = Y.encodeStateAsUpdate(this.doc, sv);
		if (update.byteLength > EMPTY_UPDATE_BYTES) this.post({ t: 'update', update });
	}

	private receive(m: TabMessage & { from?: string }) {
		switch (m.t) {
			case 'hello':
				this.sendMissing(m.sv);
				this.channel.postMessage({ t: 'hello-back', sv: Y.encodeStateVector(this.doc), to: m.from, from: this.id });
				if (this.awareness.getLocalState()) this.postAwareness([this.doc.clientID]);
				break;
			case 'hello-back':
				if (m.to === this.id) this.sendMissing(m.sv);
				break;
			case 'update':
				Y.applyUpdate(this.doc, m.update, this);
				break;
			case 'awareness':
				applyAwarenessUpdate(this.awareness, m.update, this);
				break;
		}
	}

	private readonly docUpdated = (update: Uint8Array, origin: unknown) => {
		if (origin !== this) this.post({ t: 'update', update });
	};

	private readonly awarenessUpdated = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
		// Only this tab's own state: peers' states reach every tab from the peers themselves.
		if (origin === this) return;
		const mine = [...added, ...updated, ...removed].filter((c) => c === this.doc.clientID);
		if (mine.length) this.postAwareness(mine);
	};
}
