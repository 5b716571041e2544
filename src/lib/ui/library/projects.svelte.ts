import { createProject, deleteProject, listProjects, renameProject } from '$lib/storage/projects';
import type { ProjectEntry } from '$lib/storage/db';
import { closeProject } from '$lib/ui/project-session.svelte';

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

/** The project list: this browser's projects, most recently opened first. */
export class ProjectListState {
	projects = $state<ProjectEntry[]>([]);
	loaded = $state(false);
	error = $state<string | null>(null);

	async load(): Promise<void> {
		try {
			this.projects = await listProjects();
			this.error = null;
		} catch (e) {
			this.error = `Could not read the project list: ${message(e)}`;
		} finally {
			this.loaded = true;
		}
	}

	/** Creates a project; returns why not, or null. */
	async create(name: string): Promise<string | null> {
		if (!name.trim()) return 'Give the project a name';
		try {
			await createProject(name);
		} catch (e) {
			return message(e);
		}
		await this.load();
		return null;
	}

	async rename(id: string, name: string): Promise<string | null> {
		if (!name.trim()) return 'A project needs a name';
		try {
			// The open session holds its own copy of the document: close it so the next open reads the new name.
			await closeProject(id);
			await renameProject(id, name);
		} catch (e) {
			return message(e);
		}
		await this.load();
		return null;
	}

	async remove(id: string): Promise<string | null> {
		try {
			await closeProject(id);
			await deleteProject(id);
		} catch (e) {
			return `Could not delete the project: ${message(e)}`;
		}
		await this.load();
		return null;
	}
}
