import { untrack } from 'svelte';
import type { Id } from '$lib/model';
import { plural } from '$lib/ui/app/format';
import type { LibraryState } from './library.svelte';

/**
 * Which images a library dialog acts on: the picked ones, or every image the filters show. One piece for
 * the dialogs that say what they will do before they do it (assign, splits, consensus and gold).
 */
export class ImageScope {
	scope = $state<'selected' | 'filter'>('filter');

	/** `library`: read each time (a dialog's prop may change). */
	constructor(private readonly libraryOf: () => LibraryState) {}

	private get library(): LibraryState {
		return this.libraryOf();
	}

	get selectedIds(): Id[] {
		return this.library.selectedInView;
	}

	get filterIds(): Id[] {
		return this.library.filtered.map((i) => i.id);
	}

	get ids(): Id[] {
		return this.scope === 'selected' ? this.selectedIds : this.filterIds;
	}

	/** The picked images when there are any, else the filter's (as the dialog opens). */
	reset(): void {
		this.scope = this.selectedIds.length ? 'selected' : 'filter';
	}

	/** What the preview says when there is nothing to act on. */
	get emptyText(): string {
		return this.scope === 'selected' ? 'No images are selected.' : 'No images in this filter.';
	}

	get filterLabel(): string {
		const n = this.filterIds.length;
		return this.library.filtering ? `All ${plural(n, 'image')} in this filter` : `All ${plural(n, 'image')} of the project`;
	}
}

/**
 * Shows a modal dialog while `open` is true and closes it when false; `onOpen` runs (untracked) as it
 * opens. Call it from an `$effect`.
 */
export function syncModal(dialog: HTMLDialogElement | undefined, open: boolean, onOpen: () => void): void {
	if (!dialog) return;
	if (open && !dialog.open) {
		untrack(onOpen);
		dialog.showModal();
	} else if (!open && dialog.open) dialog.close();
}
