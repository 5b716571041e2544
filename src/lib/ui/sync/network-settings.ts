import type { IceServer } from '$lib/storage/db';

/**
 * The network settings as the share dialog edits them: one URL a line. A TURN server line may carry
 * its credentials: `turn:host:3478 user password`.
 */

export function formatIceServers(servers: readonly IceServer[]): string {
	return servers.map((s) => [s.urls, s.username, s.credential].filter(Boolean).join(' ')).join('\n');
}

export function parseIceServers(text: string): { servers: IceServer[]; error: string | null } {
	const servers: IceServer[] = [];
	for (const [i, line] of lines(text)) {
		const [urls, username, credential, extra] = line.split(/\s+/);
		if (!/^(stun|stuns|turn|turns):[^\s]+$/.test(urls) || extra !== undefined)
			return { servers: [], error: `Line ${i}: expected “stun:host:port” or “turn:host:port user password”.` };
		if (urls.startsWith('turn') && (!username || !credential)) return { servers: [], error: `Line ${i}: a TURN server needs a user name and a password.` };
		servers.push(username ? { urls, username, credential } : { urls });
	}
	return { servers, error: null };
}

export function parseSignalingUrls(text: string): { urls: string[]; error: string | null } {
	const urls: string[] = [];
	for (const [i, line] of lines(text)) {
		let url: URL;
		try {
			url = new URL(line);
		} catch {
			return { urls: [], error: `Line ${i}: “${line}” is not a URL.` };
		}
		if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return { urls: [], error: `Line ${i}: a signaling server URL starts with ws:// or wss://.` };
		urls.push(line);
	}
	return { urls, error: null };
}

function lines(text: string): [number, string][] {
	return text
		.split('\n')
		.map((l, i) => [i + 1, l.trim()] as [number, string])
		.filter(([, l]) => l.length > 0);
}
