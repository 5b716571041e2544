/** How shapes are drawn, per device (localStorage): pure parsing and clamping. */
export interface EditorSettings {
	/** Fill opacity of shapes in tiles, 0…1. */
	fillOpacity: number;
	/** Outline width of shapes in tiles, screen px 1…5 (the selected shape keeps 2). */
	outlineWidth: number;
	/** New vertices within a few screen px of another shape's vertex land exactly on it. */
	snapToVertices: boolean;
}

export const EDITOR_SETTINGS_KEY = 'peerlabel.editor-settings';
export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { fillOpacity: 0.25, outlineWidth: 1, snapToVertices: true };

export function normalizeSettings(raw: unknown): EditorSettings {
	const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof EditorSettings, unknown>>;
	const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
	return {
		fillOpacity: Math.min(1, Math.max(0, num(r.fillOpacity, DEFAULT_EDITOR_SETTINGS.fillOpacity))),
		outlineWidth: Math.min(5, Math.max(1, Math.round(num(r.outlineWidth, DEFAULT_EDITOR_SETTINGS.outlineWidth)))),
		snapToVertices: typeof r.snapToVertices === 'boolean' ? r.snapToVertices : DEFAULT_EDITOR_SETTINGS.snapToVertices
	};
}

export function parseSettings(raw: string | null): EditorSettings {
	try {
		return normalizeSettings(raw ? JSON.parse(raw) : null);
	} catch {
		return { ...DEFAULT_EDITOR_SETTINGS };
	}
}
