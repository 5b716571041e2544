/**
 * A hostile peer: a Node Yjs client that joins a project's room with an edit link, as any teammate's
 * app does (the app's own sync code, real WebRTC through @roamhq/wrtc, the app's signaling server),
 * then writes malformed records of every family into the shared document.
 *
 * Bundled for Node by src/cli/bundle.js and run as `node hostile-peer.mjs`; it talks to the test over
 * stdout (one JSON object a line) and stdin (one command a line):
 *   → {"event":"ready"} once it holds the victim's document
 *   ← {"write":{"seed":1,"count":50,"everyMs":20}}  writes the corpus, then `count` seeded records
 *   → {"event":"written","writes":[{map,key,readable}]} when they are sent
 *   ← {"exit":true}
 * Environment: PEERLABEL_ROOT (the checkout, to load the native WebRTC module), INVITE (the link),
 * SIGNALING (ws URL).
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { ProjectSync } from '$lib/sync/project-sync';
import { parseInviteLink } from '$lib/sync/invite';
import { sharingFromInvite } from '$lib/sync/access';
import { hostileWrites } from '../../unit/support/hostile-records';
import { PACKED_ANNOTATIONS } from '$lib/model/annotation-store';
import { decodeAnnotation } from '$lib/model/record-codec';

/**
 * wrtc's RTCPeerConnection defines its event handlers (`ondatachannel`…) as non-configurable properties
 * of each instance, which hide the accessor that the app's connection (sync/peer-connection.ts) puts
 * on its prototype to frame incoming channels. This class has the browser's shape instead: every
 * property and method on the prototype, forwarded to a wrtc connection inside.
 */
function forwardingPeerConnection(Wrtc: new (config?: RTCConfiguration) => Record<string, unknown>) {
	const inner = Symbol('wrtc connection');
	type Self = { [inner]: Record<string, unknown> };
	class ForwardingPeerConnection {
		constructor(config?: RTCConfiguration) {
			(this as unknown as Self)[inner] = new Wrtc(config);
		}
	}
	const probe = new Wrtc();
	const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(probe)).concat(['addEventListener', 'removeEventListener', 'dispatchEvent']);
	const fields = Object.getOwnPropertyNames(probe).concat(['onicecandidate', 'onicecandidateerror', 'ontrack']);
	(probe.close as () => void)();
	for (const name of methods) {
		if (name === 'constructor' || name === 'ontrack') continue;
		Object.defineProperty(ForwardingPeerConnection.prototype, name, {
			value(this: Self, ...args: unknown[]) {
				return (this[inner][name] as (...a: unknown[]) => unknown)(...args);
			},
			configurable: true
		});
	}
	for (const name of fields) {
		if (name.startsWith('_')) continue;
		Object.defineProperty(ForwardingPeerConnection.prototype, name, {
			get(this: Self) {
				return this[inner][name];
			},
			set(this: Self, value: unknown) {
				this[inner][name] = value;
			},
			configurable: true
		});
	}
	return ForwardingPeerConnection;
}

const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** The image an annotation write names, if it names one (packed ones decoded): it waits, unseen, while that image is missing. */
function imageIdOf(map: string, key: string, value: unknown): string | null {
	const record = map === PACKED_ANNOTATIONS ? decodeAnnotation(key, value) : { ok: true, value };
	const imageId = record.ok ? (record.value as { imageId?: unknown } | null)?.imageId : null;
	return (map === 'annotations' || map === PACKED_ANNOTATIONS) && typeof imageId === 'string' ? imageId : null;
}

export async function main(): Promise<void> {
	const require = createRequire(`${process.env.PEERLABEL_ROOT}/package.json`);
	const wrtc = require('@roamhq/wrtc');
	Object.assign(globalThis, {
		RTCPeerConnection: forwardingPeerConnection(wrtc.RTCPeerConnection),
		RTCSessionDescription: wrtc.RTCSessionDescription,
		RTCIceCandidate: wrtc.RTCIceCandidate,
		WebSocket: require('ws')
	});
	const invite = parseInviteLink(process.env.INVITE!);
	const ydoc = new Y.Doc();
	const doc = new ProjectDoc(ydoc, { id: 'mallory', name: 'Mallory' });
	const sync = await ProjectSync.start(invite.projectId, doc, sharingFromInvite(invite, { signalingUrls: [process.env.SIGNALING!], iceServers: [] }));
	await new Promise<void>((resolve) => {
		const check = () => doc.imageCount > 0 && doc.classes().length > 0 && resolve();
		doc.onChange(check);
		check();
	});
	say({ event: 'ready', peers: sync.connectedPeerIds().length });

	const lines = createInterface({ input: process.stdin });
	for await (const line of lines) {
		const command = JSON.parse(line) as { write?: { seed: number; count: number; everyMs: number }; exit?: boolean };
		if (command.exit) break;
		if (command.write) {
			const image = doc.images()[0].id;
			const cls = doc.classes()[0].id;
			const writes = hostileWrites(command.write.seed, command.write.count, { image, class: cls });
			for (const w of writes) {
				// Raw, past the model's checks: what a modified app could send.
				ydoc.transact(() => ydoc.getMap(w.map).set(w.key, w.value));
				await new Promise((r) => setTimeout(r, command.write!.everyMs));
			}
			say({ event: 'written', writes: writes.map(({ map, key, value, readable }) => ({ map, key, readable: !!readable, imageId: imageIdOf(map, key, value) })) });
		}
	}
	sync.destroy();
	process.exit(0);
}

await main();
