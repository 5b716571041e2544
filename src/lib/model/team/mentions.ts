import type { MemberRecord } from './records';

/**
 * The members a comment's text mentions: `@` followed by a member's name (case-insensitive, the
 * longest name that fits, ending at a non-word character), in the order they appear, each once.
 * Names may hold spaces ("@Ana Lima"). Pure: the comment's record stores the ids.
 */
export function parseMentions(text: string, members: readonly Pick<MemberRecord, 'id' | 'name'>[]): string[] {
	const byLength = [...members].sort((a, b) => b.name.length - a.name.length || (a.id < b.id ? -1 : 1));
	const found: string[] = [];
	const lower = text.toLowerCase();
	for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
		if (at > 0 && /[\p{L}\p{N}_]/u.test(text[at - 1])) continue; // an e-mail address, not a mention
		const rest = lower.slice(at + 1);
		const member = byLength.find((m) => {
			const name = m.name.toLowerCase();
			return rest.startsWith(name) && !/[\p{L}\p{N}_]/u.test(rest[name.length] ?? ' ');
		});
		if (member && !found.includes(member.id)) found.push(member.id);
	}
	return found;
}

/** The member names that complete `@prefix` at the end of what has been typed (for the mention picker). */
export function mentionQuery(typed: string): string | null {
	const m = /(?:^|[^\p{L}\p{N}_])@([\p{L}\p{N}_ .-]{0,64})$/u.exec(typed);
	return m ? m[1] : null;
}
