import type { ProjectSession } from '$lib/ui/project-session.svelte';

/**
 * Reads the revisions that the reviewer's views follow (shapes, the team's records, images): a call, so
 * that `$derived((reviewRevision(session), …))` recomputes when any of them moves.
 */
export function reviewRevision(session: ProjectSession): string {
	return `${session.annotationsRevision}:${session.teamRevision}:${session.imagesRevision}`;
}
