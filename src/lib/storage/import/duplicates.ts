export type DuplicateOf = { of: 'project' | 'batch'; firstName?: string };

/**
 * Tells which files of an import are exact duplicates (same SHA-256) of an image already in the
 * project or of a file earlier in the same import. Only files that were actually stored count as
 * "earlier": a file that failed does not make a later copy of it a duplicate.
 */
export class DuplicateFilter {
	/** hash → name of the image that has it */
	private readonly known: Map<string, string>;
	/** hash → name of the file of this import that claimed it */
	private readonly claimed = new Map<string, string>();

	constructor(known: Map<string, string> | Iterable<[string, string]> = []) {
		this.known = new Map(known);
	}

	/** Checks a hash and, if it is new, claims it for `name` (until release). */
	claim(hash: string, name: string): DuplicateOf | null {
		const inProject = this.known.get(hash);
		if (inProject !== undefined) return { of: 'project', firstName: inProject };
		const inBatch = this.claimed.get(hash);
		if (inBatch !== undefined) return { of: 'batch', firstName: inBatch };
		this.claimed.set(hash, name);
		return null;
	}

	/** Gives a claim back: its file could not be stored, so a later copy may be imported instead. */
	release(hash: string, name: string): void {
		if (this.claimed.get(hash) === name) this.claimed.delete(hash);
	}
}
