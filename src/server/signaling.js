#!/usr/bin/env node
// A signaling endpoint for peers, speaking y-webrtc's protocol: clients subscribe to topics (room
// names) and publish messages that the server relays to every subscriber of that topic. It relays
// opaque, encrypted offers and answers only: no project data passes through it. What one connection
// may cost is bounded (signaling-limits.js).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { BufferWatch, CLOSE_TOO_MANY_MESSAGES, SIGNALING_LIMITS, TokenBucket } from './signaling-limits.js';

export const SIGNALING_PATH = '/signaling';
const PING_INTERVAL_MS = 30_000;

/**
 * Handles WebSocket upgrades to `path` on an existing HTTP server; returns a function that stops it.
 * `limits` overrides some of SIGNALING_LIMITS; `onDrop({ reason, bufferedAmount })` hears of each
 * client dropped for breaking one.
 * @param {import('node:http').Server} server
 * @param {{ path?: string, limits?: Partial<Record<keyof typeof SIGNALING_LIMITS, number>>, onDrop?: (drop: { reason: string, bufferedAmount: number }) => void }} [options]
 */
export function attachSignaling(server, { path = SIGNALING_PATH, limits: overrides = {}, onDrop = () => {} } = {}) {
	const limits = { ...SIGNALING_LIMITS, ...overrides };
	const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
	/** topic → the clients subscribed to it */
	const topics = new Map();

	const onUpgrade = (request, socket, head) => {
		if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return socket.destroy();
		wss.handleUpgrade(request, socket, head, (conn) => wss.emit('connection', conn, request));
	};
	server.on('upgrade', onUpgrade);

	wss.on('connection', (conn) => {
		const client = new Client(conn, limits, (reason) => {
			leaveAll(client);
			onDrop({ reason, bufferedAmount: conn.bufferedAmount });
		});
		conn.on('close', () => leaveAll(client));
		conn.on('message', (data) => {
			if (client.dropped) return;
			if (!client.rate.take()) return client.close(CLOSE_TOO_MANY_MESSAGES, `sent over ${limits.messagesPerSecond} messages a second`);
			let message;
			try {
				message = JSON.parse(String(data));
			} catch {
				return; // not ours to understand
			}
			if (!message || typeof message !== 'object') return;
			const names = Array.isArray(message.topics) ? message.topics.filter((t) => typeof t === 'string') : [];
			switch (message.type) {
				case 'subscribe':
					subscribe(client, names);
					break;
				case 'unsubscribe':
					for (const topic of names) leave(topic, client);
					break;
				case 'publish':
					// Only into a room the sender is in: a refused subscription refuses its messages too.
					if (typeof message.topic === 'string' && client.topics.has(message.topic)) {
						const text = JSON.stringify(message);
						for (const receiver of topics.get(message.topic) ?? []) receiver.send(text);
					}
					break;
				case 'ping':
					client.send(JSON.stringify({ type: 'pong' }));
					break;
			}
		});
	});

	function subscribe(client, names) {
		const refused = [];
		for (const topic of names) {
			if (client.topics.has(topic)) continue;
			if (topic.length > limits.maxTopicLength || client.topics.size >= limits.maxTopicsPerConnection) {
				refused.push(topic.slice(0, 64));
				continue;
			}
			if (!topics.has(topic)) topics.set(topic, new Set());
			topics.get(topic).add(client);
			client.topics.add(topic);
		}
		// y-webrtc ignores message types it does not know; a person reading the traffic learns why.
		if (refused.length)
			client.send(
				JSON.stringify({
					type: 'error',
					message: `Not subscribed to ${refused.length} topic(s): at most ${limits.maxTopicsPerConnection} per connection, names of at most ${limits.maxTopicLength} characters.`,
					topics: refused.slice(0, 8)
				})
			);
	}

	function leave(topic, client) {
		client.topics.delete(topic);
		const subscribers = topics.get(topic);
		subscribers?.delete(client);
		if (subscribers?.size === 0) topics.delete(topic);
	}

	function leaveAll(client) {
		for (const topic of [...client.topics]) leave(topic, client);
	}

	return () => {
		server.off('upgrade', onUpgrade);
		for (const conn of wss.clients) conn.terminate();
		wss.close();
	};
}

/** One connection: its rooms, its message budget, its send buffer, its liveness. */
class Client {
	topics = new Set();
	dropped = false;
	#alive = true;
	#recheck = null;
	constructor(conn, limits, onDrop) {
		this.conn = conn;
		this.limits = limits;
		this.onDrop = onDrop;
		this.rate = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
		this.buffer = new BufferWatch(limits);
		const pinger = setInterval(() => {
			if (!this.#alive) return conn.terminate();
			this.#alive = false;
			conn.ping();
			this.#checkBuffer();
		}, PING_INTERVAL_MS);
		conn.on('pong', () => (this.#alive = true));
		conn.on('error', () => conn.terminate());
		conn.on('close', () => {
			clearInterval(pinger);
			clearTimeout(this.#recheck);
		});
	}

	send(text) {
		if (this.dropped || this.conn.readyState !== this.conn.OPEN) return;
		this.conn.send(text, (error) => error && this.conn.terminate());
		this.#checkBuffer();
	}

	/** Closes with a code and reason the client can read (it still reads: it was sending). */
	close(code, reason) {
		this.#drop(reason);
		this.conn.close(code, reason);
	}

	#checkBuffer() {
		const buffered = this.conn.bufferedAmount;
		if (this.buffer.tooFull(buffered)) {
			// A client that does not read would not read a close frame either: the socket goes at once.
			this.#drop(`read too slowly: ${buffered} bytes were waiting`);
			this.conn.terminate();
		} else if (buffered > this.limits.softBufferedBytes && !this.#recheck) {
			// Nothing more may be sent to it for a while: look again once its grace is over.
			this.#recheck = setTimeout(() => {
				this.#recheck = null;
				if (!this.dropped) this.#checkBuffer();
			}, this.limits.softBufferedMs + 1);
		}
	}

	#drop(reason) {
		if (this.dropped) return;
		this.dropped = true;
		this.onDrop(reason);
	}
}

/** `npm run signaling`: the signaling server alone, for a team that hosts it apart from the app. */
export function main() {
	const port = Number(process.env.PORT ?? 4444);
	const host = process.env.HOST ?? '0.0.0.0';
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end(`Peerlabel signaling: connect a WebSocket to ${SIGNALING_PATH}\n`);
	});
	attachSignaling(server, { onDrop: logDrop });
	server.listen(port, host, () => console.log(`Peerlabel signaling on ws://${host === '0.0.0.0' ? 'localhost' : host}:${port}${SIGNALING_PATH}`));
}

/** What a server's operator sees of a dropped client. */
export function logDrop({ reason }) {
	console.warn(`signaling: dropped a client that ${reason}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
