/** How the reviewer's screens write figures: 0–1 values with two decimals ("0.80"), a dash for none. */
export function figure(v: number | null | undefined): string {
	return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(2);
}

/** "Bea", "Bea and Cai", "Bea, Cai and Dan". */
export function namesList(names: readonly string[]): string {
	if (names.length <= 1) return names[0] ?? '';
	return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
