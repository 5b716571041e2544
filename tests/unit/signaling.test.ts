import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServer } from '../../src/server/serve.js';
import { client, closeAll, serve, signalingServer } from './support/signaling-clients';

afterEach(closeAll);

describe('signaling', () => {
	it('relays a message to every subscriber of its topic, and to no one else', async () => {
		const url = await signalingServer();
		const alice = await client(url, ['room-a', 'room-b']);
		const bob = await client(url, ['room-a']);
		const carol = await client(url, ['room-b']);
		alice.send({ type: 'publish', topic: 'room-a', data: 'offer for a' });
		alice.send({ type: 'publish', topic: 'room-b', data: 'offer for b' });
		expect((await bob.next()).data).toBe('offer for a');
		// The server handles Alice's messages in order: Carol's first message is the one for room-b.
		expect(await carol.next()).toMatchObject({ type: 'publish', topic: 'room-b', data: 'offer for b' });
		expect((await alice.next()).data).toBe('offer for a'); // y-webrtc expects its own messages back
	});

	it('stops relaying after unsubscribe and after a peer leaves', async () => {
		const url = await signalingServer();
		const alice = await client(url, ['room']);
		const bob = await client(url, ['room']);
		bob.send({ type: 'unsubscribe', topics: ['room'] });
		bob.send({ type: 'ping' });
		expect(await bob.next()).toEqual({ type: 'pong' });
		const carol = await client(url, ['room']);
		carol.socket.close();
		await new Promise((r) => carol.socket.once('close', r));
		alice.send({ type: 'publish', topic: 'room', data: 1 });
		alice.send({ type: 'ping' });
		expect((await alice.next()).data).toBe(1);
		expect(await alice.next()).toEqual({ type: 'pong' });
		bob.send({ type: 'ping' });
		expect(await bob.next()).toEqual({ type: 'pong' }); // nothing of room arrived before it
	});

	it('ignores what is not JSON and closes on messages far larger than signaling needs', async () => {
		const url = await signalingServer();
		const alice = await client(url, ['room']);
		alice.socket.send('not json');
		alice.send({ type: 'ping' });
		expect(await alice.next()).toEqual({ type: 'pong' });
		const closed = new Promise<number>((r) => alice.socket.once('close', r));
		alice.send({ type: 'publish', topic: 'room', data: 'x'.repeat(200_000) });
		expect(await closed).toBe(1009); // message too big
	});

	it('refuses WebSocket upgrades on other paths', async () => {
		const url = await signalingServer();
		const socket = new WebSocket(url.replace('/signaling', '/elsewhere'));
		await expect(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))).rejects.toThrow();
	});

	it('is served by the app server on the same origin as the app', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'peerlabel-build-'));
		writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Peerlabel</title>');
		const { port } = await serve(createAppServer({ dir }) as http.Server);
		const page = await fetch(`http://127.0.0.1:${port}/project/some-id`);
		expect(await page.text()).toContain('Peerlabel');
		expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
		const alice = await client(`ws://127.0.0.1:${port}/signaling`, ['room']);
		const bob = await client(`ws://127.0.0.1:${port}/signaling`, ['room']);
		alice.send({ type: 'publish', topic: 'room', data: 'hello' });
		expect((await bob.next()).data).toBe('hello');
	});
});
