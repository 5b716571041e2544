import { FramedChannel, type RawChannel } from './framed-channel';

/**
 * The RTCPeerConnection that y-webrtc's simple-peer makes for each peer (through its `wrtc` option):
 * - the channel simple-peer creates (or receives) for Yjs is wrapped in a FramedChannel, so sync
 *   messages of any size arrive;
 * - a second channel, only for image bytes, is opened beside it. It is "negotiated" (both sides create
 *   it with the same id, no in-band announcement), so it exists on both ends without simple-peer ever
 *   seeing it, and a large image transfer never delays an edit on the Yjs channel.
 */

/** Far from the ids the browser gives in-band channels (0, 1, 2, …). */
const BLOB_CHANNEL_ID = 900;

export interface PeerlabelPeerConnection extends RTCPeerConnection {
	readonly blobChannel: RTCDataChannel;
}

export interface Wrtc {
	RTCPeerConnection: new (config?: RTCConfiguration) => PeerlabelPeerConnection;
	RTCSessionDescription: typeof RTCSessionDescription;
	RTCIceCandidate: typeof RTCIceCandidate;
}

let wrtc: Wrtc | null = null;

/** The `wrtc` option for simple-peer: the browser's WebRTC classes with our connection. */
export function peerlabelWrtc(): Wrtc {
	if (wrtc) return wrtc;
	const Base = globalThis.RTCPeerConnection;
	if (!Base) throw new Error('This browser does not support WebRTC: projects cannot be shared from it.');

	class Connection extends Base implements PeerlabelPeerConnection {
		readonly blobChannel: RTCDataChannel;

		constructor(config?: RTCConfiguration) {
			super(config);
			this.blobChannel = super.createDataChannel('peerlabel-blobs', { negotiated: true, id: BLOB_CHANNEL_ID, ordered: true });
			this.blobChannel.binaryType = 'arraybuffer';
		}

		override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
			return new FramedChannel(super.createDataChannel(label, init) as RawChannel) as unknown as RTCDataChannel;
		}

		override set ondatachannel(handler: ((ev: RTCDataChannelEvent) => unknown) | null) {
			super.ondatachannel = handler && ((ev) => handler({ channel: new FramedChannel(ev.channel as RawChannel) } as unknown as RTCDataChannelEvent));
		}
		override get ondatachannel() {
			return super.ondatachannel;
		}
	}

	wrtc = {
		RTCPeerConnection: Connection,
		RTCSessionDescription: globalThis.RTCSessionDescription,
		RTCIceCandidate: globalThis.RTCIceCandidate
	};
	return wrtc;
}
