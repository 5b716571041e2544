/**
 * The reviewer's matching threshold, kept per device (localStorage), shared by the quality panel, the
 * compare dialog and the quality page: IoU / OKS from 0.05 to 0.95 (default 0.5) and how far apart, in
 * image pixels, two keypoints may lie and still match (default 10).
 */
export const MATCH_SETTINGS_KEY = 'peerlabel.qualityMatch';

export interface ReviewMatchSettings {
	threshold: number;
	pointDistance: number;
}

export const DEFAULT_MATCH: ReviewMatchSettings = { threshold: 0.5, pointDistance: 10 };
export const THRESHOLD_RANGE = { min: 0.05, max: 0.95, step: 0.05 } as const;
export const POINT_DISTANCE_RANGE = { min: 1, max: 200, step: 1 } as const;

const clampTo = (v: unknown, r: { min: number; max: number }, fallback: number) =>
	typeof v === 'number' && Number.isFinite(v) ? Math.min(r.max, Math.max(r.min, v)) : fallback;

/** Whatever is stored (another version's, hand-edited, junk) read as valid settings. */
export function parseMatchSettings(text: string | null): ReviewMatchSettings {
	let raw: Partial<Record<keyof ReviewMatchSettings, unknown>> = {};
	try {
		const v: unknown = text ? JSON.parse(text) : {};
		if (v && typeof v === 'object') raw = v as typeof raw;
	} catch {
		// unreadable: the defaults
	}
	return {
		threshold: Math.round(clampTo(raw.threshold, THRESHOLD_RANGE, DEFAULT_MATCH.threshold) * 100) / 100,
		pointDistance: Math.round(clampTo(raw.pointDistance, POINT_DISTANCE_RANGE, DEFAULT_MATCH.pointDistance))
	};
}

function storage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

class MatchSettingsState {
	threshold = $state(DEFAULT_MATCH.threshold);
	pointDistance = $state(DEFAULT_MATCH.pointDistance);

	constructor() {
		const s = parseMatchSettings(storage()?.getItem(MATCH_SETTINGS_KEY) ?? null);
		this.threshold = s.threshold;
		this.pointDistance = s.pointDistance;
	}

	get value(): ReviewMatchSettings {
		return { threshold: this.threshold, pointDistance: this.pointDistance };
	}

	update(patch: Partial<ReviewMatchSettings>): void {
		const next = parseMatchSettings(JSON.stringify({ ...this.value, ...patch }));
		this.threshold = next.threshold;
		this.pointDistance = next.pointDistance;
		try {
			storage()?.setItem(MATCH_SETTINGS_KEY, JSON.stringify(next));
		} catch {
			// a full or refused storage: kept for this page only
		}
	}
}

/** One per page: every view reads and sets the same values. */
export const matchSettings = new MatchSettingsState();
