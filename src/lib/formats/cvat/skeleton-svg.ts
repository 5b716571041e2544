import type { SkeletonTemplate } from '$lib/model/records';

/**
 * CVAT stores a skeleton label's layout as SVG text in <svg>: one <circle> per node (cx, cy in a 0…100
 * box, data-node-id, data-label-name) and one <line> per edge (data-node-from, data-node-to: node ids).
 */
export function templateFromSvg(svg: string, names: string[]): SkeletonTemplate {
	const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
	const byNodeId = new Map<string, number>();
	const points = names.map((name) => ({ name, x: 0.5, y: 0.5 }));
	for (const m of svg.matchAll(/<circle\b[^>]*>/g)) {
		const a = attrs(m[0]);
		const i = names.indexOf(a['data-label-name']);
		if (i < 0) continue;
		if (a['data-node-id']) byNodeId.set(a['data-node-id'], i);
		const x = Number(a.cx) / 100,
			y = Number(a.cy) / 100;
		if (Number.isFinite(x) && Number.isFinite(y)) points[i] = { name: names[i], x, y };
	}
	const edges: [number, number][] = [];
	for (const m of svg.matchAll(/<line\b[^>]*>/g)) {
		const a = attrs(m[0]);
		const from = byNodeId.get(a['data-node-from']),
			to = byNodeId.get(a['data-node-to']);
		if (from !== undefined && to !== undefined) edges.push([from, to]);
	}
	return { points, edges };
}

/** The SVG text CVAT writes for a skeleton label (node ids are 1-based template positions). */
export function svgOfTemplate(t: SkeletonTemplate): string {
	const c = (p: { x: number; y: number }) => ({ x: p.x * 100, y: p.y * 100 });
	const lines = t.edges.map(([i, j]) => {
		const a = c(t.points[i]),
			b = c(t.points[j]);
		return `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="black" data-type="edge" data-node-from="${i + 1}" stroke-width="0.5" data-node-to="${j + 1}"></line>`;
	});
	const circles = t.points.map((p, i) => {
		const a = c(p);
		return `<circle r="1.5" stroke="black" fill="#b3b3b3" cx="${a.x}" cy="${a.y}" stroke-width="0.1" data-type="element node" data-element-id="${i + 1}" data-node-id="${i + 1}" data-label-name="${escapeAttr(p.name)}"></circle>`;
	});
	return [...lines, ...circles].join('');
}

function escapeAttr(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
