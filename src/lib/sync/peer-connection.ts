import { FramedChannel, type ChannelHooks, type InboundGate, type RawChannel } from './framed-channel';

/**
 * The RTCPeerConnection that y-webrtc's simple-peer makes for each peer (through its `wrtc` option):
 * - the channel simple-peer creates (or receives) for Yjs is wrapped in a FramedChannel, so sync
 *   messages of any size arrive, and every message it receives passes the connection's gate first
 *   (edit-gate.ts: changes from a peer that has not proven edit rights are not applied), and the
 *   project's hooks see what it sends and delivers (join-coordinator.ts: one peer answers a join);
 * - two more channels are opened beside it, one for image bytes and one for the edit proof
 *   (edit-proof.ts). They are "negotiated" (both sides create them with the same id, no in-band
 *   announcement), so they exist on both ends without simple-peer ever seeing them, and a large image
 *   transfer never delays an edit on the Yjs channel.
 */

/** Far from the ids the browser gives in-band channels (0, 1, 2, …). */
const BLOB_CHANNEL_ID = 900;
const PROOF_CHANNEL_ID = 901;

export interface PeerlabelPeerConnection extends RTCPeerConnection {
	readonly blobChannel: RTCDataChannel;
	readonly proofChannel: RTCDataChannel;
	/** What the Yjs channel lets through; made with the connection, so nothing arrives before it. */
	readonly gate: InboundGate | null;
}

export interface Wrtc {
	RTCPeerConnection: new (config?: RTCConfiguration) => PeerlabelPeerConnection;
	RTCSessionDescription: typeof RTCSessionDescription;
	RTCIceCandidate: typeof RTCIceCandidate;
}

/** The `wrtc` option for simple-peer: the browser's WebRTC classes with our connection. */
export function peerlabelWrtc(newGate: () => InboundGate | null = () => null, hooks: ChannelHooks | null = null): Wrtc {
	const Base = globalThis.RTCPeerConnection;
	if (!Base) throw new Error('This browser does not support WebRTC: projects cannot be shared from it.');

	class Connection extends Base implements PeerlabelPeerConnection {
		readonly blobChannel: RTCDataChannel;
		readonly proofChannel: RTCDataChannel;
		readonly gate = newGate();

		constructor(config?: RTCConfiguration) {
			super(config);
			this.blobChannel = this.sideChannel('peerlabel-blobs', BLOB_CHANNEL_ID);
			this.proofChannel = this.sideChannel('peerlabel-edit-proof', PROOF_CHANNEL_ID);
		}

		private sideChannel(label: string, id: number): RTCDataChannel {
			const channel = super.createDataChannel(label, { negotiated: true, id, ordered: true });
			channel.binaryType = 'arraybuffer';
			return channel;
		}

		private framed(raw: RTCDataChannel): FramedChannel {
			const channel = new FramedChannel(raw as RawChannel);
			channel.gate = this.gate;
			channel.hooks = hooks;
			return channel;
		}

		override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
			return this.framed(super.createDataChannel(label, init)) as unknown as RTCDataChannel;
		}

		override set ondatachannel(handler: ((ev: RTCDataChannelEvent) => unknown) | null) {
			super.ondatachannel = handler && ((ev) => handler({ channel: this.framed(ev.channel) } as unknown as RTCDataChannelEvent));
		}
		override get ondatachannel() {
			return super.ondatachannel;
		}
	}

	return {
		RTCPeerConnection: Connection,
		RTCSessionDescription: globalThis.RTCSessionDescription,
		RTCIceCandidate: globalThis.RTCIceCandidate
	};
}
