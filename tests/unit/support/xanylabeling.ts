/** LabelMe and X-AnyLabeling files as the tools write them, for tests of their shape groups. */
export const encode = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc, null, 2));
export const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

export type Pt = [number, number];

/** A shape as X-AnyLabeling 2.x writes it (keys in its order, or reversed where `reversed`). */
export function xShape(label: string, shape_type: string, points: Pt[], group_id: number | null, more: { difficult?: boolean; score?: number | null; reversed?: boolean } = {}) {
	const s: Record<string, unknown> = {
		label,
		score: more.score ?? null,
		points,
		group_id,
		description: '',
		difficult: more.difficult ?? false,
		shape_type,
		flags: {},
		attributes: {},
		kie_linking: []
	};
	return more.reversed ? Object.fromEntries(Object.entries(s).reverse()) : s;
}

/** A shape as LabelMe 5.x writes it. */
export function lmShape(label: string, shape_type: string, points: Pt[], group_id: number | null) {
	return { label, points, group_id, description: '', shape_type, flags: {}, mask: null };
}

export const corners = (x0: number, y0: number, x1: number, y1: number): Pt[] => [
	[x0, y0],
	[x1, y0],
	[x1, y1],
	[x0, y1]
];

/** Two people in one X-AnyLabeling file (500×750): a 4-corner rectangle and keypoints each; one point occluded. */
export const PEOPLE = {
	one: { box: [202.5, 262.75, 321.25, 627] as const, points: { nose: [263, 299], left_eye: [270, 292], left_shoulder: [303, 337], right_hip: [241, 427] } as Record<string, Pt> },
	two: { box: [20, 30, 140, 400] as const, points: { left_eye: [70, 52], nose: [66, 60], right_ankle: [90, 390] } as Record<string, Pt> }
};

export function xAnyLabelingFile(imagePath = 'crowd.jpg') {
	const shapes = [
		xShape('person', 'rectangle', corners(...PEOPLE.one.box), 0, { score: 0.93 }),
		...Object.entries(PEOPLE.one.points).map(([name, p], i) => xShape(name, 'point', [p], 0, { score: 0.99, difficult: name === 'left_shoulder', reversed: i % 2 === 1 })),
		// The second person's points come before its rectangle.
		...Object.entries(PEOPLE.two.points).map(([name, p]) => xShape(name, 'point', [p], 1)),
		xShape('person', 'rectangle', corners(...PEOPLE.two.box), 1, { reversed: true })
	];
	const doc = { version: '2.4.0', flags: {}, shapes, imagePath, imageData: null, imageHeight: 750, imageWidth: 500 };
	return { path: imagePath.replace(/\.[^.]+$/, '.json'), bytes: encode(doc) };
}

