import { describe, expect, it } from 'vitest';
import {
	checkColor,
	checkName,
	DEFAULT_NAME,
	defaultColorOf,
	identityFileName,
	MAX_ALIASES,
	MEMBER_COLORS,
	parseLegacyActor,
	withAliases
} from '$lib/storage/member-profile';

/**
 * What a device's member shows of itself (issue 15 item 1): its name and colour as stored, the default
 * colour picked from its member id, the ids it wrote under before, and the user it migrates from.
 */
function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
	const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
	return (x + 0.05) / (y + 0.05);
};

describe('the member colours', () => {
	it('are ten distinct #rrggbb colours, each at least 3:1 on white and on the dark header', () => {
		const colors = MEMBER_COLORS.map((c) => c.color);
		expect(colors).toHaveLength(10);
		expect(new Set(colors).size).toBe(10);
		expect(new Set(MEMBER_COLORS.map((c) => c.name)).size).toBe(10);
		for (const color of colors) {
			expect(color).toMatch(/^#[0-9a-f]{6}$/);
			expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(3);
			expect(contrast(color, '#0d1015'), color).toBeGreaterThanOrEqual(3);
		}
		// The formula itself, against WCAG's known answers.
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
	});

	it('default: the same colour for the same member id on every device, one of the palette, spread over it', () => {
		// Known answers (FNV-1a 32-bit of the id, modulo 10), computed apart.
		expect(defaultColorOf('S4dhioPysueFgRnE')).toBe(defaultColorOf('S4dhioPysueFgRnE'));
		expect(defaultColorOf('')).toBe(MEMBER_COLORS[0x811c9dc5 % 10].color);
		expect(defaultColorOf('a')).toBe(MEMBER_COLORS[0xe40c292c % 10].color);
		const seen = new Map<string, number>();
		for (let i = 0; i < 1000; i++) {
			const color = defaultColorOf(`member-${i}`);
			expect(MEMBER_COLORS.map((c) => c.color)).toContain(color);
			seen.set(color, (seen.get(color) ?? 0) + 1);
		}
		expect(seen.size).toBe(10);
		for (const n of seen.values()) expect(n).toBeGreaterThan(50);
	});
});

describe('a profile as stored', () => {
	it('a name is trimmed, 1 to 40 characters; anything else is refused saying why', () => {
		expect(checkName('  Ada  ')).toBe('Ada');
		expect(checkName('x'.repeat(40))).toBe('x'.repeat(40));
		expect(() => checkName('   ')).toThrow('A name is needed');
		expect(() => checkName(undefined)).toThrow('A name is needed');
		expect(() => checkName('x'.repeat(41))).toThrow('A name has at most 40 characters');
	});

	it('a colour is #rrggbb, stored in lower case', () => {
		expect(checkColor('#2563EB')).toBe('#2563eb');
		expect(checkColor(' #abcdef ')).toBe('#abcdef');
		for (const bad of ['#abc', 'blue', '2563eb', '#2563eg', '#2563eb00', 42]) expect(() => checkColor(bad), String(bad)).toThrow(/#rrggbb/);
	});

	it('earlier ids: the newest first, no duplicates, never the member itself, at most 8', () => {
		expect(withAliases([], ['old'], 'me')).toEqual(['old']);
		expect(withAliases(['a', 'b'], ['c'], 'me')).toEqual(['c', 'a', 'b']);
		expect(withAliases(['a', 'b'], ['b'], 'me')).toEqual(['b', 'a']);
		expect(withAliases(['me', 'a'], ['', 'me'], 'me')).toEqual(['a']);
		const many = Array.from({ length: 8 }, (_, i) => `id${i}`);
		expect(withAliases(many, ['new'], 'me')).toEqual(['new', ...many.slice(0, MAX_ALIASES - 1)]);
		expect(MAX_ALIASES).toBe(8);
	});

	it('the file an identity is exported to is named after the member, safely', () => {
		expect(identityFileName('Ada')).toBe('peerlabel-identity-Ada.json');
		expect(identityFileName('Ada Lovelace')).toBe('peerlabel-identity-Ada-Lovelace.json');
		expect(identityFileName('Zoë / ../x')).toBe('peerlabel-identity-Zoë-x.json');
		expect(identityFileName('???')).toBe('peerlabel-identity-member.json');
	});
});

describe("the device's user before member identities (localStorage 'peerlabel.actor')", () => {
	it('keeps its id, its name, and whether the person chose it', () => {
		expect(parseLegacyActor(JSON.stringify({ id: 'k3Jd93kdLs0aPq2Z', name: 'Ada', named: true }))).toEqual({ id: 'k3Jd93kdLs0aPq2Z', name: 'Ada', named: true });
		// Made but never named: the default name, still to be asked.
		expect(parseLegacyActor(JSON.stringify({ id: 'k3Jd93kdLs0aPq2Z', name: 'Annotator' }))).toEqual({ id: 'k3Jd93kdLs0aPq2Z', name: 'Annotator', named: false });
		expect(parseLegacyActor(JSON.stringify({ id: 'k3Jd93kdLs0aPq2Z', name: '   ', named: true }))).toEqual({ id: 'k3Jd93kdLs0aPq2Z', name: DEFAULT_NAME, named: false });
	});

	it('none, or unreadable: no user to migrate', () => {
		for (const stored of [null, '', 'not json', 'null', '42', '{"name":"Ada"}', '{"id":""}', JSON.stringify({ id: 'x'.repeat(65) })])
			expect(parseLegacyActor(stored), String(stored)).toBeNull();
	});
});
