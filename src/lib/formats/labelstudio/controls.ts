/** Control tag and default from_name per result type (the writer's label_config.xml uses these names). */
export const CONTROLS = {
	rectanglelabels: { tag: 'RectangleLabels', name: 'label' },
	polygonlabels: { tag: 'PolygonLabels', name: 'polygon' },
	keypointlabels: { tag: 'KeyPointLabels', name: 'keypoint' },
	ellipselabels: { tag: 'EllipseLabels', name: 'ellipse' },
	brushlabels: { tag: 'BrushLabels', name: 'brush' },
	choices: { tag: 'Choices', name: 'choice' }
} as const;
export type ResultType = keyof typeof CONTROLS;

/** The Image tag's name the writer gives a region's `to_name` unless the region kept its own. */
export const DEFAULT_TO_NAME = 'image';

/**
 * A region's fields the writer writes itself when the import did not keep other values: a read region
 * keeps only those that differ (records stay compact).
 */
export const REGION_DEFAULTS: Readonly<Record<string, unknown>> = { to_name: DEFAULT_TO_NAME, image_rotation: 0, origin: 'manual' };

/** What the writer puts in a value besides the geometry, unless the import kept its own (a read value keeps only what differs). */
export const POLYGON_CLOSED = true;
export const KEYPOINT_WIDTH = 0.5;
export const VALUE_DEFAULTS: Partial<Record<ResultType, Readonly<Record<string, unknown>>>> = { polygonlabels: { closed: POLYGON_CLOSED }, keypointlabels: { width: KEYPOINT_WIDTH } };

/** A task's and an annotation entry's fields the writer writes when the import kept none (a read one keeps only what differs). */
export const TASK_DEFAULTS: Readonly<Record<string, unknown>> = { predictions: [] };
export const ENTRY_DEFAULTS: Readonly<Record<string, unknown>> = { was_cancelled: false };

/** Whether a kept value is the writer's default: primitives compared directly, lists and objects as JSON. */
export function isDefault(value: unknown, usual: unknown): boolean {
	return typeof usual === 'object' && usual !== null ? JSON.stringify(value) === JSON.stringify(usual) : value === usual;
}

/** The fields of `fields` that are not `defaults`, in place. */
export function withoutDefaults<T extends Record<string, unknown>>(fields: T, defaults: Readonly<Record<string, unknown>> | undefined): T {
	if (defaults) for (const key in defaults) if (key in fields && isDefault(fields[key], defaults[key])) delete fields[key];
	return fields;
}

/** The keys of a region's value that name its labels, by control (Label Studio's `<type>labels`, or `labels`). */
export const LABEL_KEYS = ['rectanglelabels', 'polygonlabels', 'keypointlabels', 'ellipselabels', 'brushlabels', 'choices', 'labels', 'rectangle', 'polygon', 'keypoint', 'ellipse'];

/** The kind of a region (the prefix of its type) and the result type the writer writes for it. */
export const KINDS: readonly [string, ResultType][] = [['rectangle', 'rectanglelabels'], ['polygon', 'polygonlabels'], ['keypoint', 'keypointlabels'], ['ellipse', 'ellipselabels'], ['brush', 'brushlabels'], ['choices', 'choices']];

/** The value keys that hold the geometry, per result type: the rest of `value` is kept as read. */
const GEOMETRY_KEYS: Readonly<Record<ResultType, readonly string[]>> = {
	rectanglelabels: ['x', 'y', 'width', 'height', 'rotation'],
	polygonlabels: ['points'],
	keypointlabels: ['x', 'y'],
	ellipselabels: ['x', 'y', 'radiusX', 'radiusY', 'rotation'],
	brushlabels: ['rle', 'format'],
	choices: []
};

/** Per result type, the value keys the reader and writer compute (geometry and labels): never kept, never taken from what was kept. */
export const COMPUTED_VALUE_KEYS = Object.fromEntries(Object.entries(GEOMETRY_KEYS).map(([type, keys]) => [type, new Set([...keys, ...LABEL_KEYS])])) as unknown as Readonly<Record<ResultType, ReadonlySet<string>>>;
/** For a region of no known kind: only its labels. */
export const LABEL_KEY_SET: ReadonlySet<string> = new Set(LABEL_KEYS);

/** The key of `data` that holds the image: `image`, else the first whose value names an image file. */
export function imageKeyOf(data: Record<string, unknown>, isImage: (url: string) => boolean): string | undefined {
	if (typeof data.image === 'string') return 'image';
	return Object.keys(data).find((k) => typeof data[k] === 'string' && isImage(data[k] as string));
}

/** data.image as an image name: a URL's path, without Label Studio's upload prefix. */
export function imageNameOf(url: string): string {
	let p = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
	const localFiles = /[?&]d=([^&]+)/.exec(p);
	if (localFiles) p = decodeURIComponent(localFiles[1]);
	p = p.replace(/[?#].*$/, '').replace(/^\/?data\/upload\/\d+\//, '');
	return p.replace(/^\/+/, '');
}
