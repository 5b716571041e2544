import type { AnnotationRecord } from '$lib/model';
import { EDITOR_SETTINGS_KEY, normalizeSettings, parseSettings, type EditorSettings } from './editor-settings';

const HIDDEN_KEY = 'peerlabel.hidden';

/**
 * What this device shows, outside the document: drawing settings (kept in localStorage) and the shapes
 * and classes hidden in this session (sessionStorage). One instance per page, shared by every Editor
 * mounted on it; editors listen for changes to redraw their tiles, the UI reads the runes.
 */
export class ViewPrefs {
	fillOpacity = $state(0.25);
	outlineWidth = $state(1);
	snapToVertices = $state(true);
	hiddenShapes = $state<ReadonlySet<string>>(new Set());
	hiddenClasses = $state<ReadonlySet<string>>(new Set());
	private readonly listeners = new Set<() => void>();

	constructor() {
		const s = parseSettings(read(globalThis.localStorage, EDITOR_SETTINGS_KEY));
		this.fillOpacity = s.fillOpacity;
		this.outlineWidth = s.outlineWidth;
		this.snapToVertices = s.snapToVertices;
		try {
			const h = JSON.parse(read(globalThis.sessionStorage, HIDDEN_KEY) ?? '{}') as { shapes?: string[]; classes?: string[] };
			this.hiddenShapes = new Set(h.shapes ?? []);
			this.hiddenClasses = new Set(h.classes ?? []);
		} catch {
			// Unreadable: everything shown.
		}
	}

	get settings(): EditorSettings {
		return { fillOpacity: this.fillOpacity, outlineWidth: this.outlineWidth, snapToVertices: this.snapToVertices };
	}

	update(patch: Partial<EditorSettings>): void {
		const next = normalizeSettings({ ...this.settings, ...patch });
		this.fillOpacity = next.fillOpacity;
		this.outlineWidth = next.outlineWidth;
		this.snapToVertices = next.snapToVertices;
		write(globalThis.localStorage, EDITOR_SETTINGS_KEY, JSON.stringify(next));
		this.changed();
	}

	isHidden(a: Pick<AnnotationRecord, 'id' | 'classId'>): boolean {
		return this.hiddenShapes.has(a.id) || this.hiddenClasses.has(a.classId);
	}

	setShapeHidden(id: string, hidden: boolean): void {
		this.hiddenShapes = toggled(this.hiddenShapes, id, hidden);
		this.saveHidden();
	}

	setClassHidden(classId: string, hidden: boolean): void {
		this.hiddenClasses = toggled(this.hiddenClasses, classId, hidden);
		this.saveHidden();
	}

	/** Called after every change (the editor core is not reactive). */
	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private saveHidden(): void {
		write(globalThis.sessionStorage, HIDDEN_KEY, JSON.stringify({ shapes: [...this.hiddenShapes], classes: [...this.hiddenClasses] }));
		this.changed();
	}

	private changed(): void {
		for (const l of this.listeners) l();
	}
}

function toggled(set: ReadonlySet<string>, id: string, on: boolean): ReadonlySet<string> {
	const next = new Set(set);
	if (on) next.add(id);
	else next.delete(id);
	return next;
}

function read(storage: Storage | undefined, key: string): string | null {
	try {
		return storage?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

function write(storage: Storage | undefined, key: string, value: string): void {
	try {
		storage?.setItem(key, value);
	} catch {
		// Blocked or full: the setting holds until the page closes.
	}
}

export const viewPrefs = new ViewPrefs();
