import type { Dataset } from '$lib/formats/dataset';
import type { WriteOptions } from '$lib/formats/codec';
import type { ExportImageRef, ImageFileFacts, PlanResult } from '$lib/formats/project-dataset';
import type { ImportBasis } from '$lib/model/import-records';
import type { BundleManifest, NativeBundle } from '$lib/formats/native/bundle';
import type { ShapeType } from '$lib/shapes/registry';

/**
 * Messages between the page and the exchange (export/import) worker. Every message names its request,
 * so one worker serves every export and import of the tab and each caller gets only its own answers.
 */

/** What an export writes: a Dataset through a codec, or the document itself as a native bundle. */
export type ExportSource =
	| { kind: 'dataset'; formatId: string; options: WriteOptions; dataset: Dataset; images: ExportImageRef[] }
	| { kind: 'native'; manifest: BundleManifest; update: Uint8Array; images: { hash: string; mime: string }[]; includeImages: boolean };

export interface ExchangeFileInput {
	/** The path the user sees: inside a picked or dropped folder, or the file's name. */
	name: string;
	file: Blob;
}

export type ToWorker =
	| { type: 'export'; requestId: number; source: ExportSource }
	/**
	 * `formatId` null: detect. `target` 'new': a native bundle comes back as a bundle, to restore exactly.
	 * With `basis` (the project's images, classes, z and member), the dataset comes back planned and packed.
	 */
	| { type: 'import'; requestId: number; files: ExchangeFileInput[]; formatId: string | null; target: 'new' | 'existing'; basis?: ImportBasis }
	| { type: 'cancel'; requestId: number };

export type ExchangePhase = 'reading' | 'converting' | 'zipping' | 'unzipping';

/** A refusal said so the user can find it: which file, where in it, what is wrong. */
export interface ExchangeProblem {
	file: string;
	place: string;
	problem: string;
}

export type ReadOutcome =
	| {
			kind: 'dataset';
			dataset: Dataset;
			/** Facts of the image files the input carried, by `DatasetImage.name`. */
			files: [string, ImageFileFacts][];
			warnings: string[];
	  }
	/** The dataset planned into the project and its annotations packed (`storage/exchange/plan.ts`). */
	| { kind: 'planned'; planned: PlanResult }
	| { kind: 'native'; bundle: NativeBundle };

export type FromWorker =
	| { type: 'progress'; requestId: number; phase: ExchangePhase; done: number; total: number; bytes: number }
	| {
			type: 'exported';
			requestId: number;
			zip: Blob;
			files: string[];
			skipped: Partial<Record<ShapeType, number>>;
			warnings: string[];
	  }
	| { type: 'read'; requestId: number; formatId: string; formatLabel: string; outcome: ReadOutcome }
	| { type: 'failed'; requestId: number; problem: ExchangeProblem }
	| { type: 'cancelled'; requestId: number };
