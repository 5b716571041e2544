import type { ModelFamily } from './family';

/** Every model layout Peerlabel runs, one line each. A dropped model is matched to one by its signature. */
export const FAMILIES: ModelFamily[] = [];

export function familyOf(id: string): ModelFamily | undefined {
	return FAMILIES.find((f) => f.family === id);
}
