import { formatCombo, type ActionRegistry } from './actions';

/**
 * Rebound shortcuts, per device: action id → its combos. Pure except for the two storage helpers,
 * which take the Storage so tests can pass a fake.
 */
export type HotkeyOverrides = Record<string, string[]>;

export const HOTKEYS_STORAGE_KEY = 'peerlabel.hotkeys';

/** Keys that never make a shortcut alone: modifiers, and Escape (it cancels the rebinding). */
const NOT_BINDABLE = new Set(['shift', 'control', 'alt', 'meta', 'escape', 'tab', 'mod', 'dead', 'unidentified', 'capslock']);

export function parseOverrides(raw: string | null): HotkeyOverrides {
	if (!raw) return {};
	try {
		const value: unknown = JSON.parse(raw);
		if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
		const out: HotkeyOverrides = {};
		for (const [id, keys] of Object.entries(value))
			if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) out[id] = keys as string[];
		return out;
	} catch {
		return {};
	}
}

export function loadOverrides(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): HotkeyOverrides {
	try {
		return parseOverrides(storage?.getItem(HOTKEYS_STORAGE_KEY) ?? null);
	} catch {
		return {};
	}
}

export function saveOverrides(overrides: HotkeyOverrides, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
	try {
		storage?.setItem(HOTKEYS_STORAGE_KEY, JSON.stringify(overrides));
	} catch {
		// Storage full or blocked: the binding still holds until the page closes.
	}
}

/** Applies stored overrides to a fresh registry; ids of actions it does not have (any more) are ignored. */
export function applyOverrides<C>(registry: ActionRegistry<C>, overrides: HotkeyOverrides): void {
	for (const [id, keys] of Object.entries(overrides)) {
		const a = registry.get(id);
		if (a && !a.fixedKeys) registry.setKeys(id, keys);
	}
}

export type RebindResult = { ok: true; overrides: HotkeyOverrides } | { ok: false; reason: string };

/**
 * Binds `combo` to an action (replacing its keys), refusing combos that cannot be a shortcut or that
 * another action already uses. Returns the new overrides; the registry is updated on success.
 */
export function rebind<C>(registry: ActionRegistry<C>, overrides: HotkeyOverrides, id: string, combo: string): RebindResult {
	const action = registry.get(id);
	if (!action) return { ok: false, reason: 'That action no longer exists' };
	if (action.fixedKeys) return { ok: false, reason: `“${action.label}” keeps its keys` };
	const key = combo.split('+').pop() ?? '';
	if (!combo || NOT_BINDABLE.has(key)) return { ok: false, reason: `${formatCombo(combo || 'nothing')} cannot be a shortcut` };
	const other = registry.forKey(combo);
	if (other && other.id !== id) return { ok: false, reason: `${formatCombo(combo)} is already used by “${other.label}”` };
	registry.setKeys(id, [combo]);
	return { ok: true, overrides: { ...overrides, [id]: [combo] } };
}

/** Back to the default keys of one action, unless another action has taken one of them since. */
export function resetBinding<C>(registry: ActionRegistry<C>, overrides: HotkeyOverrides, id: string): RebindResult {
	const action = registry.get(id);
	if (!action) return { ok: false, reason: 'That action no longer exists' };
	for (const k of action.keys) {
		const other = registry.forKey(k);
		if (other && other.id !== id) return { ok: false, reason: `${formatCombo(k)} is now used by “${other.label}”: change that one first` };
	}
	registry.setKeys(id, null);
	const next = { ...overrides };
	delete next[id];
	return { ok: true, overrides: next };
}

export function resetAllBindings<C>(registry: ActionRegistry<C>): HotkeyOverrides {
	for (const a of registry.all) registry.setKeys(a.id, null);
	return {};
}
