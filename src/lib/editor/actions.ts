/**
 * Keyboard shortcuts as a small registry of named actions (the Excalidraw way): toolbar buttons and
 * keys run the same code, and the key list doubles as documentation (titles, help).
 */
export interface Action<C> {
	id: string;
	label: string;
	/** Normalized combos, e.g. 'mod+shift+z', 'arrowright', '1'. */
	keys: readonly string[];
	run(ctx: C, key: string): void;
}

const NAMED: Record<string, string> = { ' ': 'space', esc: 'escape', del: 'delete' };

/** 'mod' is Ctrl or ⌘; Shift counts only for letters and named keys (it is part of '+', '?', …). */
export function keyCombo(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
	const raw = e.key.toLowerCase();
	const key = NAMED[raw] ?? raw;
	const parts: string[] = [];
	if (e.ctrlKey || e.metaKey) parts.push('mod');
	if (e.altKey) parts.push('alt');
	if (e.shiftKey && (key.length > 1 || /^[a-z]$/.test(key))) parts.push('shift');
	parts.push(key);
	return parts.join('+');
}

export class ActionRegistry<C> {
	private readonly byKey = new Map<string, Action<C>>();
	readonly all: Action<C>[] = [];

	register(...actions: Action<C>[]): this {
		for (const a of actions) {
			this.all.push(a);
			for (const k of a.keys) this.byKey.set(k, a);
		}
		return this;
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
		const k = a.keys[0];
		return k ? `${a.label} (${k.replace('mod', 'Ctrl').replace(/(^|\+)(\w)/g, (_, p, c: string) => p + c.toUpperCase())})` : a.label;
	}
}
