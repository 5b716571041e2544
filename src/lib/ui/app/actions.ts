/** Svelte actions shared by components. */

/** Focuses an input as it appears and selects its text, ready to be typed over (inline renames). */
export function focusSelect(node: HTMLInputElement): void {
	node.focus();
	node.select();
}

/**
 * Shows a <dialog> as a modal while `open` is true and closes it when false (`use:modal={open}`);
 * Escape calls `onclose` rather than closing behind the state's back.
 */
export function modal(node: HTMLDialogElement, params: { open: boolean; onclose: () => void }) {
	let current = params;
	const sync = () => {
		if (current.open && !node.open) node.showModal();
		else if (!current.open && node.open) node.close();
	};
	const cancel = (e: Event) => {
		e.preventDefault();
		current.onclose();
	};
	node.addEventListener('cancel', cancel);
	sync();
	return {
		update(next: { open: boolean; onclose: () => void }) {
			current = next;
			sync();
		},
		destroy() {
			node.removeEventListener('cancel', cancel);
		}
	};
}
