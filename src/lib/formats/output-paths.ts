import type { Dataset } from './dataset';
import type { DatasetFile } from './files';

/**
 * Output paths made from names a file or a peer gave (an image called `../../etc/passwd`, `C:\x`):
 * relative, inside the output, the same on every system. '\' separates folders as '/' does; '.', '..',
 * empty and all-dot segments, a leading '/' or drive letter and control characters are dropped.
 * '' when nothing is left.
 */
export function safeRelativePath(path: string): string {
	return path
		.replace(/[\x00-\x1f\x7f]/g, '')
		.split(/[\\/]+/)
		.map((segment, i) => (i === 0 ? segment.replace(/^[a-z]:/i, '') : segment))
		.filter((segment) => segment.trim() !== '' && !/^[. ]+$/.test(segment))
		.join('/');
}

/** `path`, or `name-2.ext`, `name-3.ext`… when `taken` has it (compared as written). Adds the result to `taken`. */
export function uniquePath(path: string, taken: Set<string>): string {
	let unique = path;
	const slash = path.lastIndexOf('/');
	const dot = path.lastIndexOf('.');
	const cut = dot > slash + 1 ? dot : path.length;
	for (let n = 2; taken.has(unique); n++) unique = `${path.slice(0, cut)}-${n}${path.slice(cut)}`;
	taken.add(unique);
	return unique;
}

/** Safe and unique; `fallback` names what had no usable characters at all. */
function safeUnique(path: string, taken: Set<string>, fallback: string): string {
	return uniquePath(safeRelativePath(path) || fallback, taken);
}

/**
 * The dataset with image names safe to write as paths and unique after that, its annotations following
 * their images, so every writer's files and the names inside them (COCO file_name, VOC filename, YOLO
 * lists) agree. Returns the dataset itself when every name is already safe; `renamed` lists the changes.
 */
export function withSafeImageNames(dataset: Dataset): { dataset: Dataset; renamed: [string, string][] } {
	// Names already safe keep themselves; the others take what is left ('../a.jpg' never displaces 'a.jpg').
	const taken = new Set<string>();
	const names = dataset.images.map((image) => (safeRelativePath(image.name) === image.name && !taken.has(image.name) ? (taken.add(image.name), image.name) : null));
	const renamed: [string, string][] = [];
	/** Annotations name their image by its first name: they follow the first image of that name. */
	const firstName = new Map<string, string>();
	const images = dataset.images.map((image, i) => {
		const name = names[i] ?? safeUnique(image.name, taken, `image-${i + 1}`);
		if (!firstName.has(image.name)) firstName.set(image.name, name);
		if (name === image.name) return image;
		renamed.push([image.name, name]);
		return { ...image, name };
	});
	if (!renamed.length) return { dataset, renamed };
	const annotations = dataset.annotations.map((a) => {
		const name = firstName.get(a.image);
		return name !== undefined && name !== a.image ? { ...a, image: name } : a;
	});
	return { dataset: { ...dataset, images, annotations }, renamed };
}

/** A writer's files with every path safe and unique (a second file of the same path gets `-2`). */
export function safeOutputFiles(files: readonly DatasetFile[]): DatasetFile[] {
	const taken = new Set<string>();
	return files.map((f, i) => {
		const path = safeUnique(f.path, taken, `file-${i + 1}`);
		return path === f.path ? f : { path, bytes: f.bytes };
	});
}
