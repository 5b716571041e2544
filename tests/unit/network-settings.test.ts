import { describe, expect, it } from 'vitest';
import { formatIceServers, parseIceServers, parseSignalingUrls } from '../../src/lib/ui/sync/network-settings';

describe('network settings as typed in the share dialog', () => {
	it('reads signaling servers one per line, ignoring blank lines', () => {
		expect(parseSignalingUrls('wss://signal.example.org/signaling\n\n  ws://10.0.0.2:4444/signaling  \n')).toEqual({
			urls: ['wss://signal.example.org/signaling', 'ws://10.0.0.2:4444/signaling'],
			error: null
		});
		expect(parseSignalingUrls('')).toEqual({ urls: [], error: null });
	});

	it('says which line is wrong', () => {
		expect(parseSignalingUrls('wss://ok.example/signaling\nhttps://web.example').error).toBe('Line 2: a signaling server URL starts with ws:// or wss://.');
		expect(parseSignalingUrls('not a url').error).toBe('Line 1: “not a url” is not a URL.');
	});

	it('reads STUN and TURN servers with their credentials, and writes them back the same way', () => {
		const text = 'stun:stun.example.org:3478\nturn:turn.example.org:3478 alice s3cret';
		const parsed = parseIceServers(text);
		expect(parsed).toEqual({
			servers: [{ urls: 'stun:stun.example.org:3478' }, { urls: 'turn:turn.example.org:3478', username: 'alice', credential: 's3cret' }],
			error: null
		});
		expect(formatIceServers(parsed.servers)).toBe(text);
	});

	it('refuses a TURN server without credentials and lines that are not ICE servers', () => {
		expect(parseIceServers('turn:turn.example.org:3478').error).toBe('Line 1: a TURN server needs a user name and a password.');
		expect(parseIceServers('stun:a.example\nhttp://b.example').error).toMatch(/^Line 2:/);
		expect(parseIceServers('turn:t.example u p extra').error).toMatch(/^Line 1:/);
	});
});
