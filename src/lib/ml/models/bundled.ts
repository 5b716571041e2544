import type { ModelManifest } from '../types';
import { validateManifest } from './manifest';

// models/<id>/manifest.json, read at build time: an invalid one fails the build's first import, not a user.
const found = import.meta.glob<unknown>('../../../../models/*/manifest.json', { eager: true, import: 'default' });

export const BUNDLED_MODELS: readonly ModelManifest[] = Object.entries(found)
	.map(([path, json]) => validateManifest(json, path.replace(/^(\.\.\/)+/, '')))
	.sort((a, b) => a.id.localeCompare(b.id));

/** Where the app serves a bundled model's file (the build's self-hosting plugin puts it there). */
export function bundledFileUrl(modelId: string, fileName: string): string {
	return `/models/${modelId}/${fileName}`;
}
