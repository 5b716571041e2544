import { describe, expect, it } from 'vitest';
import { newId } from '$lib/model/ids';

describe('newId', () => {
	it('makes 16-character ids of the 62 letters and digits, all different, across many blocks of random bytes', () => {
		const ids = Array.from({ length: 20_000 }, newId);
		for (const id of ids) expect(id).toMatch(/^[0-9a-zA-Z]{16}$/);
		expect(new Set(ids).size).toBe(ids.length);
		// Every one of the 62 characters is used, in every position.
		for (let at = 0; at < 16; at++) expect(new Set(ids.map((id) => id[at])).size).toBe(62);
	});
});
