export const region = (id: string, type: string, value: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	id,
	type,
	value,
	from_name: { rectanglelabels: 'label', polygonlabels: 'polygon', keypointlabels: 'keypoint' }[type],
	to_name: 'image',
	original_width: 200,
	original_height: 100,
	image_rotation: 0,
	origin: 'manual',
	...extra
});

/** A Label Studio "JSON" export as Label Studio writes it: its own ids and bookkeeping on tasks, annotations and regions. */
export function exportWithIds() {
	const task = (id: number, file: string, result: unknown[], more: Record<string, unknown> = {}) => ({
		id,
		annotations: [{ id: id * 10, completed_by: 3, result, was_cancelled: false, ground_truth: false, created_at: '2024-05-01T10:00:00.000Z', updated_at: '2024-05-01T10:02:00.000Z', lead_time: 42.5, prediction: {}, result_count: result.length, task: id, project: 8 }],
		drafts: [],
		predictions: [],
		data: { image: `/data/upload/8/${file}`, caption: `caption of ${file}` },
		meta: { source: 'camera 2' },
		created_at: '2024-05-01T09:00:00.000Z',
		updated_at: '2024-05-01T10:02:00.000Z',
		inner_id: id - 500,
		total_annotations: 1,
		cancelled_annotations: 0,
		project: 8,
		file_upload: `abc-${file}`,
		...more
	});
	const tasks = [
		task(512, 'a.jpg', [
			region('Xq1_box', 'rectanglelabels', { x: 10, y: 20, width: 25, height: 40, rotation: 0, rectanglelabels: ['car'] }, { score: 0.75, origin: 'prediction-changed' }),
			region('r1-3', 'polygonlabels', { points: [[10, 10], [50, 10], [50, 60]], closed: true, polygonlabels: ['road'] })
		]),
		task(513, 'b.jpg', [region('kp-7', 'keypointlabels', { x: 50, y: 50, width: 1.25, keypointlabels: ['eye'] }, { from_name: 'points', readonly: true })]),
		task(9000, 'c.jpg', [], { comment_count: 2 })
	];
	// b.jpg: a cancelled entry before the one Peerlabel reads, another annotator's after it.
	const other = (id: number, was_cancelled: boolean) => ({ id, completed_by: 4, was_cancelled, result: [region(`o${id}`, 'keypointlabels', { x: 10, y: 10, width: 1, keypointlabels: ['eye'] })] });
	tasks[1].annotations = [other(5129, true), ...tasks[1].annotations, other(5131, false)] as typeof tasks[1]['annotations'];
	tasks[1].total_annotations = 2;
	return tasks;
}
