import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import type { MemberProfile } from '$lib/model/families/members';
import { inboxEntries, sortInbox } from '$lib/ui/team/InboxModel';
import { mentionSegments, personOf, shortId } from '$lib/ui/team/ActivityFormat.svelte';
import { walkOf } from '$lib/ui/editor/walk';
import { threadNumbers } from '$lib/ui/editor/comment-focus.svelte';
import { editorActions } from '$lib/editor/editor-actions';
import { createCommentTool } from '$lib/editor/tools/comment-tool';
import type { ToolContext, ToolPointer } from '$lib/editor/tools/tool';

/** Issue 15 in the editor: the inbox's entries, mentions shown as text, the D/F walk, the new keys. */

const profile = (id: string, name: string): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases: [] });

function team() {
	const ana = new ProjectDoc(new Y.Doc(), { id: 'ana', name: 'Ana' });
	ana.initialize({ name: 'Harbour' });
	const imgs = ana.addImages([
		{ name: 'a.jpg', hash: 'ha', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
		{ name: 'b.jpg', hash: 'hb', width: 200, height: 100, mime: 'image/jpeg', size: 1 }
	]);
	if (!imgs.ok) throw new Error('setup');
	const bea = new ProjectDoc(new Y.Doc(), { id: 'bea', name: 'Bea' });
	const cai = new ProjectDoc(new Y.Doc(), { id: 'cai', name: 'Cai' });
	const docs = [ana, bea, cai];
	const sync = () => {
		for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(b.ydoc)));
	};
	sync();
	ana.members.join(profile('ana', 'Ana'));
	bea.members.join(profile('bea', 'Bea Lima'));
	cai.members.join(profile('cai', 'Cai'));
	sync();
	return { ana, bea, cai, sync, images: imgs.value.map((i) => i.id) };
}

let clock = 1000;
function thread(doc: ProjectDoc, imageId: string, text: string, mentions: string[] = []) {
	const made = doc.comments.newThread({ imageId, anchor: { kind: 'image' }, text, mentions }, clock++);
	if (!made.ok) throw new Error(made.reason);
	expect(doc.comments.write({ threads: [made.value.thread], comments: [made.value.comment] }).ok).toBe(true);
	return made.value;
}
function reply(doc: ProjectDoc, threadId: string, text: string, mentions: string[] = []) {
	const made = doc.comments.newReply(threadId, text, mentions, clock++);
	if (!made.ok) throw new Error(made.reason);
	expect(doc.comments.write({ comments: [made.value] }).ok).toBe(true);
	return made.value;
}

describe('inbox', () => {
	it('lists mentions of me and replies in threads I opened or wrote in — never my own, nor deleted ones', () => {
		const { ana, bea, cai, sync, images } = team();
		const mine = thread(ana, images[0], 'is this a boat?');
		sync();
		const r1 = reply(bea, mine.thread.id, 'yes');
		const other = thread(cai, images[1], 'hello @Ana', ['ana']);
		const notMine = thread(cai, images[1], 'not for Ana');
		sync();
		const before = reply(bea, notMine.thread.id, 'said before Ana came');
		sync();
		const joined = reply(ana, notMine.thread.id, 'I join in');
		sync();
		const after = reply(cai, notMine.thread.id, 'said after');
		const gone = reply(cai, mine.thread.id, 'oops');
		sync();
		const deleted = cai.comments.deleted(gone.id);
		if (!deleted.ok) throw new Error(deleted.reason);
		cai.comments.write({ comments: [deleted.value] });
		sync();

		const entries = inboxEntries(ana.comments, new Set(['ana']));
		const ids = entries.map((e) => e.commentId).sort();
		expect(ids).toEqual([r1.id, other.comment.id, after.id].sort());
		expect(ids).not.toContain(before.id);
		expect(entries.find((e) => e.commentId === other.comment.id)?.why).toBe('mention');
		expect(entries.find((e) => e.commentId === r1.id)).toMatchObject({ why: 'reply', author: 'bea', imageId: images[0], threadId: mine.thread.id });
		// Bea wrote in Cai's thread first: what came after hers is hers to read; in Ana's thread only the deleted one came after.
		expect(inboxEntries(bea.comments, new Set(['bea'])).map((e) => e.commentId).sort()).toEqual([joined.id, after.id].sort());
		expect(inboxEntries(ana.comments, new Set())).toEqual([]);
	});

	it('an earlier id of mine counts as me; unread first, then newest first; a late comment is unread when it comes', () => {
		const { ana, bea, sync, images } = team();
		const t = thread(ana, images[0], 'first', []);
		sync();
		const a = reply(bea, t.thread.id, 'a');
		const b = reply(bea, t.thread.id, 'b');
		sync();
		const read = new Set([b.id]);
		expect(sortInbox(inboxEntries(ana.comments, new Set(['old-device', 'ana'])), (id) => read.has(id)).map((e) => [e.commentId, e.unread])).toEqual([
			[a.id, true],
			[b.id, false]
		]);
		// Bea was offline: her comment has an older time than what Ana has read, and still shows as unread.
		const late = bea.comments.newReply(t.thread.id, 'written offline', [], 10);
		if (!late.ok) throw new Error(late.reason);
		bea.comments.write({ comments: [late.value] });
		sync();
		read.add(a.id);
		const sorted = sortInbox(inboxEntries(ana.comments, new Set(['ana'])), (id) => read.has(id));
		expect(sorted[0]).toMatchObject({ commentId: late.value.id, unread: true });
		expect(sorted.filter((e) => e.unread)).toHaveLength(1);
	});
});

describe('names and text', () => {
	it('a member by name; an unknown author by a short form of the id', () => {
		const { ana } = team();
		expect(personOf(ana.members, 'bea')).toMatchObject({ name: 'Bea Lima', known: true });
		expect(personOf(ana.members, '0123456789abcdef')).toMatchObject({ name: '012345…', known: false });
		expect(shortId('')).toBe('someone');
	});

	it('mentions are cut out of the text as text (HTML stays text), the longest name first', () => {
		const html = '<img src=x onerror=alert(1)> @Bea Lima, see @Bea and mail a@bea.org';
		const parts = mentionSegments(html, ['Bea', 'Bea Lima']);
		expect(parts.map((p) => p.text).join('')).toBe(html);
		expect(parts.filter((p) => p.mention).map((p) => p.text)).toEqual(['@Bea Lima', '@Bea']);
		expect(mentionSegments('no names', [])).toEqual([{ text: 'no names', mention: false }]);
		expect(mentionSegments('@Beatrice', ['Bea'])).toEqual([{ text: '@Beatrice', mention: false }]);
	});

	it('threads are numbered oldest first', () => {
		const t = (id: string, createdAt: number) => ({ id, createdAt }) as Parameters<typeof threadNumbers>[0][number];
		expect([...threadNumbers([t('c', 30), t('a', 10), t('b', 20)])]).toEqual([
			['a', 1],
			['b', 2],
			['c', 3]
		]);
	});
});

describe('the D/F walk', () => {
	const images = ['i1', 'i2', 'i3', 'i4'].map((id) => ({ id }));
	it('goes through the library list the image was opened from, in its order, without deleted images', () => {
		expect(walkOf(images, 'i3', { label: 'My work', ids: ['i4', 'gone', 'i3', 'i1'] })).toEqual({ ids: ['i4', 'i3', 'i1'], position: 1, label: 'My work' });
	});
	it('else every image', () => {
		expect(walkOf(images, 'i2', { label: 'My work', ids: ['i4'] })).toEqual({ ids: ['i1', 'i2', 'i3', 'i4'], position: 1, label: null });
		expect(walkOf(images, 'i2', null).label).toBeNull();
	});
});

describe('editor keys and the comment tool', () => {
	it('the new actions have keys no other action uses', () => {
		const actions = editorActions();
		const seen = new Map<string, string>();
		for (const a of actions.all)
			for (const k of a.keys) {
				expect(seen.get(k), `${k}: ${a.id} and ${seen.get(k)}`).toBeUndefined();
				seen.set(k, a.id);
			}
		expect(actions.forKey('t')?.id).toBe('tool.comment');
		expect(actions.forKey('shift+c')?.id).toBe('comments.pins');
		expect(actions.forKey('shift+enter')?.id).toBe('review.submit');
		expect(actions.forKey('mod+enter')?.id).toBe('review.accept');
		expect(actions.forKey('mod+shift+enter')?.id).toBe('review.reject');
	});

	it('a click places a comment at the image point; a drag does not', () => {
		const placed: { x: number; y: number }[] = [];
		const tool = createCommentTool({ image: { width: 100, height: 50 } } as ToolContext, (p) => placed.push(p));
		const at = (x: number, y: number, sx = x, sy = y): ToolPointer => ({ image: { x, y }, screen: { x: sx, y: sy }, button: 0, alt: false, shift: false, mod: false });
		tool.down(at(10.04, 20));
		tool.up(at(10.04, 20));
		tool.down(at(30, 30));
		tool.up(at(60, 30, 60, 30));
		tool.down(at(150, 20));
		tool.up(at(150, 20));
		expect(placed).toEqual([
			{ x: 10, y: 20 },
			{ x: 100, y: 20 }
		]);
	});
});
