/**
 * Keyboard shortcuts as a small registry of named actions (the Excalidraw way): toolbar buttons and
 * keys run the same code, and the key list doubles as documentation (titles, help).
 */
export type ActionGroup = 'tools' | 'edit' | 'view' | 'navigation' | 'review';

export interface Action<C> {
	id: string;
	label: string;
	/** Normalized combos, e.g. 'mod+shift+z', 'arrowright', '1': the defaults (see `keysOf` for the current ones). */
	keys: readonly string[];
	/** Section of the shortcut sheet (default: edit). */
	group?: ActionGroup;
	/** Keys that carry meaning (class hotkeys 1-9 pick by digit): not rebindable. */
	fixedKeys?: boolean;
	run(ctx: C, key: string): void;
}

const NAMED: Record<string, string> = { ' ': 'space', esc: 'escape', del: 'delete' };

/**
 * 'mod' is Ctrl or ⌘; Shift counts only for letters and named keys (it is part of '+', '?', …).
 * With Alt, letters come from the physical key: macOS's Option turns H into '˙'.
 */
export function keyCombo(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'> & { code?: string }): string {
	const letter = e.altKey && e.code && /^Key[A-Z]$/.test(e.code) ? e.code.slice(3) : null;
	const raw = (letter ?? e.key).toLowerCase();
	const key = NAMED[raw] ?? raw;
	const parts: string[] = [];
	if (e.ctrlKey || e.metaKey) parts.push('mod');
	if (e.altKey) parts.push('alt');
	if (e.shiftKey && (key.length > 1 || /^[a-z]$/.test(key))) parts.push('shift');
	parts.push(key);
	return parts.join('+');
}

/** 'mod+shift+z' → 'Ctrl+Shift+Z', for titles and the shortcut sheet. */
export function formatCombo(combo: string): string {
	return combo
		.split('+')
		.map((part) => SHOWN[part] ?? part.charAt(0).toUpperCase() + part.slice(1))
		.join('+');
}

const SHOWN: Record<string, string> = { mod: 'Ctrl', arrowright: '→', arrowleft: '←', arrowup: '↑', arrowdown: '↓', escape: 'Esc' };

export class ActionRegistry<C> {
	private readonly byKey = new Map<string, Action<C>>();
	/** Rebound keys by action id (device overrides); the rest use their defaults. */
	private readonly bound = new Map<string, readonly string[]>();
	readonly all: Action<C>[] = [];

	register(...actions: Action<C>[]): this {
		this.all.push(...actions);
		this.reindex();
		return this;
	}

	/** The combos that run an action now. */
	keysOf(id: string): readonly string[] {
		return this.bound.get(id) ?? this.get(id)?.keys ?? [];
	}

	/** Binds an action to other combos (null: back to its defaults). Callers check conflicts first. */
	setKeys(id: string, keys: readonly string[] | null): void {
		if (keys) this.bound.set(id, keys);
		else this.bound.delete(id);
		this.reindex();
	}

	forKey(combo: string): Action<C> | undefined {
		return this.byKey.get(combo);
	}

	get(id: string): Action<C> | undefined {
		return this.all.find((a) => a.id === id);
	}

	/** Runs the action bound to the combo; true when there was one. */
	handle(ctx: C, combo: string): boolean {
		const a = this.byKey.get(combo);
		if (!a) return false;
		a.run(ctx, combo);
		return true;
	}

	/** "Undo (Ctrl+Z)" for button titles. */
	title(id: string): string {
		const a = this.get(id);
		if (!a) return id;
		const k = this.keysOf(id)[0];
		return k ? `${a.label} (${formatCombo(k)})` : a.label;
	}

	/** Defaults first, then rebound keys, so a rebinding wins over a default it shadows. */
	private reindex(): void {
		this.byKey.clear();
		for (const a of this.all) if (!this.bound.has(a.id)) for (const k of a.keys) this.byKey.set(k, a);
		for (const a of this.all) for (const k of this.bound.get(a.id) ?? []) this.byKey.set(k, a);
	}
}
