import { openProject, type OpenProject } from '$lib/storage/projects';
import type { ProjectDoc } from '$lib/model';

/**
 * The project open in this tab, kept open while the user moves between the library and the editor.
 * Its revisions bump when the document's images, classes or annotations change, so components can
 * `$derived` from the plain ProjectDoc and recompute only what a change touched.
 */
export class ProjectSession {
	imagesRevision = $state(0);
	classesRevision = $state(0);
	annotationsRevision = $state(0);
	/** Set while the browser refuses to store this project's latest changes (a full disk). */
	saveProblem = $state<string | null>(null);
	readonly project: OpenProject;
	private readonly stop: () => void;

	constructor(project: OpenProject) {
		this.project = project;
		const stopChanges = project.doc.onChange((change) => {
			if (change.images.size) this.imagesRevision++;
			if (change.classes) this.classesRevision++;
			if (change.annotations.size) this.annotationsRevision++;
		});
		const stopSaveProblems = project.persistence.onSaveProblem((error) => {
			this.saveProblem = error
				? 'Storage is full: your latest changes are kept in this tab but not saved. Free some disk space, or delete a project: they are saved as soon as there is room. Closing the tab before then loses them.'
				: null;
		});
		this.stop = () => {
			stopChanges();
			stopSaveProblems();
		};
	}

	get id(): string {
		return this.project.id;
	}

	get doc(): ProjectDoc {
		return this.project.doc;
	}

	async close(): Promise<void> {
		this.stop();
		await this.project.close();
	}
}

let current: { id: string; session: Promise<ProjectSession> } | null = null;

/** Opens (or returns the already open) project; opening another closes the previous one. */
export function useProject(id: string): Promise<ProjectSession> {
	if (current?.id === id) return current.session;
	const previous = current;
	const session = (async () => {
		if (previous) await (await previous.session.catch(() => null))?.close();
		return new ProjectSession(await openProject(id));
	})();
	current = { id, session };
	session.catch(() => {
		if (current?.session === session) current = null;
	});
	return session;
}

/** Closes the open project (before deleting it, say). */
export async function closeProject(id: string): Promise<void> {
	if (current?.id !== id) return;
	const { session } = current;
	current = null;
	await (await session.catch(() => null))?.close();
}
