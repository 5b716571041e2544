#!/usr/bin/env node
// A signaling endpoint for peers, speaking y-webrtc's protocol: clients subscribe to topics (room
// names) and publish messages that the server relays to every subscriber of that topic. It relays
// opaque, encrypted offers and answers only: no project data passes through it.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const SIGNALING_PATH = '/signaling';
/** Offers and answers are a few KiB; anything much larger is not signaling. */
const MAX_MESSAGE_BYTES = 64 * 1024;
const PING_INTERVAL_MS = 30_000;

/** Handles WebSocket upgrades to `path` on an existing HTTP server; returns a function that stops it. */
export function attachSignaling(server, { path = SIGNALING_PATH } = {}) {
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
	/** topic → the connections subscribed to it */
	const topics = new Map();

	const onUpgrade = (request, socket, head) => {
		if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return socket.destroy();
		wss.handleUpgrade(request, socket, head, (conn) => wss.emit('connection', conn, request));
	};
	server.on('upgrade', onUpgrade);

	wss.on('connection', (conn) => {
		const mine = new Set();
		let alive = true;
		const pinger = setInterval(() => {
			if (!alive) return conn.terminate();
			alive = false;
			conn.ping();
		}, PING_INTERVAL_MS);
		conn.on('pong', () => (alive = true));
		conn.on('error', () => conn.terminate());
		conn.on('close', () => {
			clearInterval(pinger);
			for (const topic of mine) leave(topic, conn);
			mine.clear();
		});
		conn.on('message', (data) => {
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
					for (const topic of names) {
						if (!topics.has(topic)) topics.set(topic, new Set());
						topics.get(topic).add(conn);
						mine.add(topic);
					}
					break;
				case 'unsubscribe':
					for (const topic of names) {
						leave(topic, conn);
						mine.delete(topic);
					}
					break;
				case 'publish':
					if (typeof message.topic === 'string')
						for (const receiver of topics.get(message.topic) ?? []) send(receiver, message);
					break;
				case 'ping':
					send(conn, { type: 'pong' });
					break;
			}
		});
	});

	function leave(topic, conn) {
		const subscribers = topics.get(topic);
		subscribers?.delete(conn);
		if (subscribers?.size === 0) topics.delete(topic);
	}

	return () => {
		server.off('upgrade', onUpgrade);
		for (const conn of wss.clients) conn.terminate();
		wss.close();
	};
}

function send(conn, message) {
	if (conn.readyState !== conn.OPEN) return;
	conn.send(JSON.stringify(message), (error) => error && conn.terminate());
}

/** `npm run signaling`: the signaling server alone, for a team that hosts it apart from the app. */
export function main() {
	const port = Number(process.env.PORT ?? 4444);
	const host = process.env.HOST ?? '0.0.0.0';
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end(`Peerlabel signaling: connect a WebSocket to ${SIGNALING_PATH}\n`);
	});
	attachSignaling(server);
	server.listen(port, host, () => console.log(`Peerlabel signaling on ws://${host === '0.0.0.0' ? 'localhost' : host}:${port}${SIGNALING_PATH}`));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
