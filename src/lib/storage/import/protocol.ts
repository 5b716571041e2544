/**
 * Messages between the page and the import worker. Every message names the request it belongs to,
 * so one worker can serve several imports and each caller gets only its own answers.
 */

/** One file to import. `name` is what the user sees: the path inside a picked or dropped folder, or the file name. */
export interface ImportFileInput {
	name: string;
	file: Blob;
}

/** What became of one file. `index` is its position in the request's file list. */
export type FileOutcome =
	| { kind: 'stored'; index: number; name: string; hash: string; width: number; height: number; mime: string; size: number }
	| { kind: 'duplicate'; index: number; name: string; hash: string; of: 'project' | 'batch'; firstName?: string }
	| { kind: 'failed'; index: number; name: string; reason: string }
	/** The browser refused to store it: storage is full. Files after it are not tried. */
	| { kind: 'storage-full'; index: number; name: string; message: string };

export type ToWorker =
	| {
			type: 'import';
			requestId: number;
			projectId: string;
			files: ImportFileInput[];
			/** Hashes of the images already in the project: those files are duplicates. */
			knownHashes: Map<string, string>;
	  }
	| { type: 'cancel'; requestId: number };

export type FromWorker =
	| { type: 'outcome'; requestId: number; outcome: FileOutcome }
	| {
			type: 'done';
			requestId: number;
			/** Why files were left untried, if any were. */
			stopped: null | 'cancelled' | 'storage-full';
			/** Indexes of the files never tried. */
			untried: number[];
	  }
	| { type: 'error'; requestId: number; message: string };
