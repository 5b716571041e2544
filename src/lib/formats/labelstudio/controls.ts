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
export const VALUE_DEFAULTS: Partial<Record<ResultType, Readonly<Record<string, unknown>>>> = { polygonlabels: { closed: true }, keypointlabels: { width: 0.5 } };

/** A task's and an annotation entry's fields the writer writes when the import kept none (a read one keeps only what differs). */
export const TASK_DEFAULTS: Readonly<Record<string, unknown>> = { predictions: [] };
export const ENTRY_DEFAULTS: Readonly<Record<string, unknown>> = { was_cancelled: false };

/** The fields of `fields` that are not `defaults` (compared as JSON), in place. */
export function withoutDefaults<T extends Record<string, unknown>>(fields: T, defaults: Readonly<Record<string, unknown>> | undefined): T {
	for (const [key, usual] of Object.entries(defaults ?? {})) if (key in fields && JSON.stringify(fields[key]) === JSON.stringify(usual)) delete fields[key];
	return fields;
}

/** The value keys that hold the geometry, per kind of result: the rest of `value` is kept as read. */
export const GEOMETRY_KEYS: Readonly<Record<string, readonly string[]>> = {
	rectangle: ['x', 'y', 'width', 'height', 'rotation'],
	polygon: ['points'],
	keypoint: ['x', 'y'],
	ellipse: ['x', 'y', 'radiusX', 'radiusY', 'rotation'],
	brush: ['rle', 'format'],
	choices: []
};

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
