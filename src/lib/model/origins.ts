/**
 * Transaction origins: every write states who made it, so undo can track only the user's own edits
 * and observers can tell local changes from those that arrived from elsewhere.
 */
export const Origin = {
	/** Annotation edits by this user: undoable. */
	edit: 'peerlabel:edit',
	/** Project settings, classes, image records changed by this user: not on the undo stack. */
	admin: 'peerlabel:admin',
	/** Bulk imports (images, datasets). */
	import: 'peerlabel:import',
	/** Schema migrations. */
	migration: 'peerlabel:migration',
	/** The activity log's entries of this replica's own edits (written right after them; never undone). */
	activity: 'peerlabel:activity'
} as const;

export type LocalOrigin = (typeof Origin)[keyof typeof Origin];

const LOCAL = new Set<unknown>(Object.values(Origin));

/** True for writes made through this replica's model (anything else came from storage or a peer). */
export function isLocalOrigin(origin: unknown): boolean {
	return LOCAL.has(origin);
}
