import type { MaskToolOptions } from './tools/tool';

/**
 * What the editor's Svelte UI shows, kept up to date by the (non-reactive) editor core.
 * The UI reads it and calls the editor's methods; it never writes it.
 */
export class EditorState {
	tool = $state('select');
	classId = $state<string | null>(null);
	selectedId = $state<string | null>(null);
	hint = $state<string | null>(null);
	/** Screen px per image px. */
	zoom = $state(1);
	/** Bumped whenever the view pans, zooms or resizes: what is drawn over the canvas follows it. */
	viewRevision = $state(0);
	/** The image and every visible tile are drawn. */
	ready = $state(false);
	loadError = $state<string | null>(null);
	/** Mask brush diameter in image px, and what the mask tool does (see MaskToolOptions). */
	brushSize = $state(20);
	maskTool = $state<MaskToolOptions['maskTool']>('brush');
	/** The keyboard shortcut sheet is open. */
	shortcutsOpen = $state(false);
	/** The comment pins over the canvas are hidden (Shift+C). */
	pinsHidden = $state(false);
	/** Bumped when a shortcut is rebound: button titles follow it. */
	keysRevision = $state(0);

	private hintTimer: ReturnType<typeof setTimeout> | undefined;

	showHint(text: string, ms = 3500): void {
		this.hint = text;
		clearTimeout(this.hintTimer);
		this.hintTimer = setTimeout(() => (this.hint = null), ms);
	}
}
