// Real signaling servers on 127.0.0.1 and clients that speak to them as y-webrtc does, for Node tests.
import http from 'node:http';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { attachSignaling } from '../../../src/server/signaling.js';
import { listen } from '../../../src/server/serve.js';

export type Message = { type: string; topic?: string; data?: unknown; message?: string; topics?: string[] };

/** A signaling client as y-webrtc is one: JSON messages over a WebSocket, received in order. */
export class Client {
	readonly received: Message[] = [];
	private waiters: (() => void)[] = [];
	private ended = false;
	constructor(readonly socket: WebSocket) {
		socket.on('message', (data) => {
			this.received.push(JSON.parse(String(data)));
			for (const w of this.waiters.splice(0)) w();
		});
		socket.on('close', () => {
			this.ended = true;
			for (const w of this.waiters.splice(0)) w();
		});
	}
	static async open(url: string): Promise<Client> {
		const socket = new WebSocket(url);
		await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
		const c = new Client(socket);
		clients.push(c);
		return c;
	}
	send(message: object) {
		this.socket.send(JSON.stringify(message));
	}
	/** The next message; throws once the connection is closed and everything was read. */
	async next(): Promise<Message> {
		while (!this.received.length) {
			if (this.ended) throw new Error('the server closed the connection');
			await new Promise<void>((r) => this.waiters.push(r));
		}
		return this.received.shift()!;
	}
	/** Skips what arrives until a message matching `test`, which it returns with how many it skipped. */
	async until(test: (m: Message) => boolean): Promise<Message & { skipped: number }> {
		for (let skipped = 0; ; skipped++) {
			const m = await this.next();
			if (test(m)) return { ...m, skipped };
		}
	}
	/** Resolves with the close code and reason the server sent. */
	closed(): Promise<{ code: number; reason: string }> {
		return new Promise((r) => this.socket.once('close', (code, reason) => r({ code, reason: String(reason) })));
	}
}

const servers: http.Server[] = [];
const clients: Client[] = [];

/** A signaling server of its own on a free port; returns its WebSocket URL. */
export async function signalingServer(options: Parameters<typeof attachSignaling>[1] = {}): Promise<string> {
	const server = http.createServer();
	attachSignaling(server, options);
	return `ws://127.0.0.1:${(await serve(server)).port}/signaling`;
}

/** Listens on a free loopback port; closed by `closeAll`. */
export async function serve(server: http.Server) {
	servers.push(server);
	return listen(server, { port: 0, host: '127.0.0.1' });
}

/** A client subscribed to `topics`, once the server has them. */
export async function client(url: string, topics: string[]): Promise<Client> {
	const c = await Client.open(url);
	c.send({ type: 'subscribe', topics });
	c.send({ type: 'ping' }); // the pong says the subscription is in place
	expect(await c.until((m) => m.type === 'pong')).toMatchObject({ type: 'pong' });
	return c;
}

/** For afterEach: drops every client and closes every server. */
export async function closeAll() {
	for (const c of clients.splice(0)) c.socket.terminate();
	await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.close(r), s.closeAllConnections()))));
}
