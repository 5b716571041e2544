/** Svelte actions shared by components. */

/** Focuses an input as it appears and selects its text, ready to be typed over (inline renames). */
export function focusSelect(node: HTMLInputElement): void {
	node.focus();
	node.select();
}
