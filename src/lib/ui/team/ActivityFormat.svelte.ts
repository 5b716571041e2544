import { createSubscriber } from 'svelte/reactivity';
import type { ProjectDoc } from '$lib/model';
import type { MemberRecord } from '$lib/model/team/records';

/**
 * How the team's records name people and times in the editor, the inbox and the activity list
 * (issue 15): a member by name and colour (an old device id resolved to its member), an unknown
 * author by a short form of its id; relative times that move on while they are shown.
 */

export interface Person {
	id: string;
	name: string;
	color: string;
	/** False: no member record names this id (yet): the name is a short form of the id. */
	known: boolean;
}

const UNKNOWN_COLOR = '#9aa4b2';

/** "3f9a2c…": an id nobody in the member list claims. */
export function shortId(id: string): string {
	if (!id) return 'someone';
	return id.length > 8 ? `${id.slice(0, 6)}…` : id;
}

export function personOf(members: Pick<ProjectDoc['members'], 'resolve'>, id: string): Person {
	const m: MemberRecord | undefined = members.resolve(id);
	return m ? { id: m.id, name: m.name || shortId(m.id), color: m.color, known: true } : { id, name: shortId(id), color: UNKNOWN_COLOR, known: false };
}

/** Milliseconds between two ticks of the clock relative times read. */
const TICK_MS = 20_000;

/** The time relative times are counted from: it ticks while something shown reads it. */
class Clock {
	private value = Date.now();
	private readonly subscribe = createSubscriber((update) => {
		const timer = setInterval(() => {
			this.value = Date.now();
			update();
		}, TICK_MS);
		return () => clearInterval(timer);
	});

	get now(): number {
		this.subscribe();
		// Read outside a tick (a first paint after a while): never older than the tick.
		if (Date.now() - this.value > TICK_MS) this.value = Date.now();
		return this.value;
	}
}

export const clock = new Clock();

/** A comment's text cut into plain text and mentions of members, to render (as text) with the mentions marked. */
export function mentionSegments(text: string, names: readonly string[]): { text: string; mention: boolean }[] {
	const wanted = [...new Set(names.filter(Boolean).map((n) => n.toLowerCase()))].sort((a, b) => b.length - a.length);
	if (!wanted.length) return [{ text, mention: false }];
	const out: { text: string; mention: boolean }[] = [];
	const lower = text.toLowerCase();
	let from = 0;
	for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
		if (at < from) continue;
		if (at > 0 && /[\p{L}\p{N}_]/u.test(text[at - 1])) continue; // an e-mail address, not a mention
		const name = wanted.find((n) => lower.startsWith(n, at + 1) && !/[\p{L}\p{N}_]/u.test(text[at + 1 + n.length] ?? ' '));
		if (!name) continue;
		if (at > from) out.push({ text: text.slice(from, at), mention: false });
		out.push({ text: text.slice(at, at + 1 + name.length), mention: true });
		from = at + 1 + name.length;
	}
	if (from < text.length) out.push({ text: text.slice(from), mention: false });
	return out;
}
