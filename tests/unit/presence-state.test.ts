import { describe, expect, it } from 'vitest';
import { checkedPresence, MAX_CURSOR_PX, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_SELECTION, userColor } from '$lib/sync/presence-state';

/** A state as an honest peer publishes it, with `patch` over it (user fields patched one by one). */
function state(patch: Record<string, unknown> = {}, user: Record<string, unknown> = {}) {
	return {
		user: { id: 'user-ada', name: 'Ada', color: '#e5484d', ...user },
		peerId: 'b7d0c1e2-0000-4000-8000-000000000000',
		imageId: 'img1',
		cursor: { x: 10, y: 20 },
		selection: ['shape1'],
		...patch
	};
}
const id = (chars: number) => 'i'.repeat(chars);

describe('a peer’s presence state, checked where it is read', () => {
	it('passes an honest state as a fresh copy of the same values', () => {
		const honest = state();
		const checked = checkedPresence(honest);
		expect(checked).toEqual(honest);
		expect(checked).not.toBe(honest);
		expect(checked!.selection).not.toBe(honest.selection);
		expect(checkedPresence(state({ imageId: null, cursor: null, selection: [], peerId: undefined }))).toEqual({
			user: honest.user,
			imageId: null,
			cursor: null,
			selection: []
		});
	});

	it('replaces a colour that is not #rrggbb by the one derived from the user id', () => {
		expect(checkedPresence(state({}, { color: '#A1b2C3' }))!.user.color).toBe('#A1b2C3');
		for (const color of [
			'red; position: fixed; inset: 0; background-image: url(http://127.0.0.1:1/x)',
			'#e5484d; position: fixed',
			'#12345',
			'#1234567',
			'red',
			'rgb(1, 2, 3)',
			12,
			null,
			undefined
		])
			expect(checkedPresence(state({}, { color }))!.user.color).toBe(userColor('user-ada'));
	});

	it('cuts a name to MAX_NAME_CHARS whole characters, and refuses a name that is not text', () => {
		const name = (n: unknown) => checkedPresence(state({}, { name: n }))?.user.name;
		expect(name('a'.repeat(MAX_NAME_CHARS))).toBe('a'.repeat(MAX_NAME_CHARS));
		expect(name('a'.repeat(MAX_NAME_CHARS + 1))).toBe('a'.repeat(MAX_NAME_CHARS));
		expect(name('b'.repeat(10_000))).toBe('b'.repeat(MAX_NAME_CHARS));
		expect(name('🦊'.repeat(MAX_NAME_CHARS + 1))).toBe('🦊'.repeat(MAX_NAME_CHARS));
		expect(name('  Bo  ')).toBe('Bo');
		for (const bad of [12345, '', '   ', null, undefined, ['Ada'], { toString: 'Ada' }]) expect(name(bad)).toBeUndefined();
	});

	it('takes ids of up to MAX_ID_CHARS characters, and refuses longer, empty or non-text ids', () => {
		const ok = (patch: Record<string, unknown>, user: Record<string, unknown> = {}) => checkedPresence(state(patch, user)) !== null;
		expect(ok({}, { id: id(MAX_ID_CHARS) })).toBe(true);
		expect(ok({}, { id: id(MAX_ID_CHARS + 1) })).toBe(false);
		expect(ok({}, { id: '' })).toBe(false);
		expect(ok({}, { id: 7 })).toBe(false);
		expect(ok({ imageId: id(MAX_ID_CHARS) })).toBe(true);
		expect(ok({ imageId: id(MAX_ID_CHARS + 1) })).toBe(false);
		expect(ok({ imageId: 3 })).toBe(false);
		expect(ok({ imageId: { id: 'img1' } })).toBe(false);
		expect(ok({ peerId: id(MAX_ID_CHARS + 1) })).toBe(false);
		expect(ok({ peerId: 42 })).toBe(false);
	});

	it('takes a cursor of finite numbers within MAX_CURSOR_PX of the origin, and nothing else', () => {
		const cursor = (c: unknown) => checkedPresence(state({ cursor: c })) !== null;
		expect(cursor({ x: MAX_CURSOR_PX, y: -MAX_CURSOR_PX })).toBe(true);
		expect(cursor({ x: -0.5, y: 1e-9 })).toBe(true);
		expect(cursor({ x: MAX_CURSOR_PX + 1, y: 0 })).toBe(false);
		expect(cursor({ x: 0, y: -MAX_CURSOR_PX - 1 })).toBe(false);
		for (const bad of [{ x: NaN, y: 1 }, { x: Infinity, y: 1 }, { x: '5', y: 1 }, { x: 1 }, [1, 2], 'here', 0]) expect(cursor(bad)).toBe(false);
	});

	it('takes a selection of at most MAX_SELECTION ids, and refuses a larger one or one with non-ids', () => {
		const selection = (s: unknown) => checkedPresence(state({ selection: s })) !== null;
		expect(selection(Array.from({ length: MAX_SELECTION }, (_, i) => `s${i}`))).toBe(true);
		expect(selection(Array.from({ length: MAX_SELECTION + 1 }, (_, i) => `s${i}`))).toBe(false);
		expect(selection(new Array(1_000_000).fill('s'))).toBe(false);
		for (const bad of [['s1', 2], ['s1', null], [id(MAX_ID_CHARS + 1)], [''], 's1', { 0: 's1' }, null]) expect(selection(bad)).toBe(false);
	});

	it('ignores what is not a presence state at all, without throwing', () => {
		for (const bad of [null, undefined, 0, 'Ada', [], [state()], {}, { user: null }, { user: 'Ada' }, { user: [] }, JSON.parse('{"__proto__": {"user": 1}}')])
			expect(checkedPresence(bad)).toBeNull();
	});
});
