import { expect } from 'vitest';
import { BlobExchange, type BlobExchangeOptions } from '$lib/sync/blob-exchange';
import {
	decodeControl,
	encodeControl,
	encodeDataFrame,
	type AskerMessage,
	type ControlMessage,
	type HolderMessage
} from '$lib/sync/blob-protocol';
import { channelPair, type FakeDataChannel } from '../fake-data-channel';

/** Devices that exchange blobs over in-memory channels, and peers scripted by hand, for the blob tests. */

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic pseudo-random bytes (xorshift), fast enough for megabytes. */
export function randomBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(size);
	let x = seed | 1;
	for (let i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		bytes[i] = x & 0xff;
	}
	return bytes;
}

export interface Image {
	bytes: Uint8Array<ArrayBuffer>;
	hash: string;
	/** What the image record says. */
	size: number;
}

export async function image(size: number, seed: number): Promise<Image> {
	const bytes = randomBytes(size, seed);
	return { bytes, hash: await sha256Hex(bytes), size };
}

export const MB = 1024 * 1024;

/** Byte equality without a deep-equality walk (slow on megabytes). */
export function expectSameBytes(actual: Uint8Array | undefined, expected: Image): void {
	expect(actual?.byteLength).toBe(expected.bytes.byteLength);
	expect(Buffer.from(actual!).equals(Buffer.from(expected.bytes))).toBe(true);
}

/** A peer's device: the blobs it stores, those its project references, and its end of each channel. */
export class Device {
	readonly stored = new Map<string, Uint8Array<ArrayBuffer>>();
	readonly referenced = new Set<string>();
	readonly channels = new Map<string, FakeDataChannel>();
	readonly exchange: BlobExchange;
	/** Blobs looked up for a peer (each `ask` or `get` this device took on). */
	lookups = 0;

	constructor(
		readonly name: string,
		options?: BlobExchangeOptions
	) {
		this.exchange = new BlobExchange(
			{
				canServe: async (hash) => {
					this.lookups++;
					return this.referenced.has(hash) && this.stored.has(hash);
				},
				read: async (hash) => {
					const bytes = this.stored.get(hash);
					return bytes && new Blob([bytes]);
				},
				sha256Hex
			},
			options
		);
	}

	/** Stores `bytes` under `hash` (other bytes than the hash's, for a corrupt peer), referenced or not. */
	hold(hash: string, bytes: Uint8Array<ArrayBuffer>, { referenced = true } = {}): this {
		this.stored.set(hash, bytes);
		if (referenced) this.referenced.add(hash);
		return this;
	}

	/** Control messages this device sent to `peer`. */
	sentTo(peer: string) {
		return this.channels.get(peer)!.sentText.map((text) => decodeControl(text)!);
	}

	/** Byte offsets of the `get` requests this device sent to `peer`. */
	offsetsAskedOf(peer: string): number[] {
		return this.sentTo(peer).flatMap((m) => (m.t === 'get' ? [m.offset] : []));
	}
}

export function connect(a: Device, b: Device): void {
	const [ab, ba] = channelPair();
	a.channels.set(b.name, ab);
	b.channels.set(a.name, ba);
	a.exchange.addPeer(b.name, ab);
	b.exchange.addPeer(a.name, ba);
}

/** Lets queued deliveries run out. */
export async function settle(tasks = 50): Promise<void> {
	for (let i = 0; i < tasks; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A peer driven by the test: it speaks the blob protocol on its end of a channel as `on` says, so
 * that a test can play a broken or hostile peer message by message.
 */
export class ScriptedPeer {
	readonly received: ControlMessage[] = [];

	constructor(
		readonly name: string,
		readonly channel: FakeDataChannel,
		on: (message: AskerMessage | HolderMessage, peer: ScriptedPeer) => void
	) {
		channel.binaryType = 'arraybuffer';
		channel.addEventListener('message', (e) => {
			const data = (e as MessageEvent).data;
			const message = typeof data === 'string' ? decodeControl(data) : null;
			if (!message) return;
			this.received.push(message);
			on(message, this);
		});
	}

	send(message: ControlMessage): void {
		this.channel.send(encodeControl(message));
	}

	/** Data frames of request `id` from `offset` on: 64 KiB each, one empty frame for no bytes. */
	sendBytes(id: number, offset: number, bytes: Uint8Array): void {
		const step = 64 * 1024;
		let at = 0;
		do {
			this.channel.send(encodeDataFrame(id, offset + at, bytes.subarray(at, at + step)));
			at += step;
		} while (at < bytes.byteLength);
	}

	/** Whether the device cancelled request `id`. */
	cancelled(id: number): boolean {
		return this.received.some((m) => m.t === 'cancel' && m.id === id);
	}
}

/** Connects a device to a scripted peer under `name`. */
export function connectScripted(device: Device, name: string, on: ConstructorParameters<typeof ScriptedPeer>[2]): ScriptedPeer {
	const [ours, theirs] = channelPair();
	device.channels.set(name, ours);
	device.exchange.addPeer(name, ours);
	return new ScriptedPeer(name, theirs, on);
}
