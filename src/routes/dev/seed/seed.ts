import { seededRandom } from '$lib/geometry/random';
import { Origin, newId, type ClassRecord, type NewAnnotation, type ProjectDoc } from '$lib/model';
import type { ActivityEvent } from '$lib/model/team/activity-codec';
import { sha256Hex, storeImageBlob } from '$lib/storage/blobs';
import { createProject, openProject } from '$lib/storage/projects';

/** Dev-only test data: a project with generated images, classes and random 32-vertex polygons. */
export interface SeedParams {
	images: number;
	polygons: number;
	width: number;
	height: number;
	seed: number;
	/** False: image records only, no pixels (large-project benchmarks). */
	blobs: boolean;
	/**
	 * 'polygons': every annotation a 32-vertex polygon (the renderer's stress case);
	 * 'mixed': 7 in 10 boxes, the rest 12-vertex polygons (a typical detection/segmentation project).
	 */
	shapes: 'polygons' | 'mixed';
	/** Annotations created per transaction, so per stored update (default 1000). */
	batch?: number;
	/** Model proposals (boxes awaiting review) put on the first image, as a detector's pre-labeling would. */
	proposals?: number;
	/** Words printed black on a white band across the first image, 64 px high at (10 %, 50 %): for OCR. */
	text?: string;
	/** The classes to create (default: car, person, tree with hotkeys 1-3). */
	classes?: (Partial<Omit<ClassRecord, 'id'>> & { name: string })[];
	/** A team's history (issue 15's benchmark): comments (threads of 4) by 10 members, and past edits in the activity log. */
	comments?: number;
	edits?: number;
	/** Annotations moved once after they were drawn (one stored update), as a pass over the work would: values storage can drop. */
	touched?: number;
}

const SIGNATURE_CHARS = 88; // an Ed25519 signature in base64

function randomBase64(rand: () => number, chars: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	let out = '';
	for (let i = 0; i < chars - 2; i++) out += alphabet[Math.floor(rand() * 64)];
	return out + '==';
}

/**
 * A team's history as the app would have written it: 10 members, `comments` comments in threads of 4
 * (on the image, a point or a shape; some mentioning a member), each with a signature's worth of
 * bytes, and `edits` past edits spread over 30 days in the activity log (as logged, chunk by chunk).
 */
function seedTeam(doc: ProjectDoc, rand: () => number, comments: number, edits: number): void {
	const members = Array.from({ length: 10 }, (_, i) => ({ id: newId(), name: `Member ${i + 1}`, color: '#3366cc', algorithm: 'Ed25519' as const, publicKey: randomBase64(rand, 44), aliases: [], sig: randomBase64(rand, SIGNATURE_CHARS) }));
	for (const m of members) doc.members.join(m, Date.now());
	const images = doc.images();
	const annotations = [...doc.allAnnotations()];
	const actor = { id: 'seed', name: 'Seed' };
	const words = ['check', 'this', 'outline', 'looks', 'loose', 'wrong', 'class', 'please', 'fix', 'the', 'boat', 'edge', 'here', 'ok', 'agreed'];
	const sentence = () => Array.from({ length: 6 + Math.floor(rand() * 8) }, () => words[Math.floor(rand() * words.length)]).join(' ');
	// One transaction a comment, as people write them.
	for (let n = 0; n < comments; n += 4) {
		const opener = members[Math.floor(rand() * members.length)];
		doc.setActor(opener);
		const image = images[Math.floor(rand() * images.length)];
		const onShape = annotations.length && rand() < 0.5 ? annotations[Math.floor(rand() * annotations.length)] : null;
		const anchor = onShape ? { kind: 'annotation' as const, annotationId: onShape.id } : rand() < 0.5 ? { kind: 'point' as const, x: rand() * image.width, y: rand() * image.height } : { kind: 'image' as const };
		const made = doc.comments.newThread({ imageId: onShape?.imageId ?? image.id, anchor, text: sentence(), mentions: rand() < 0.3 ? [members[Math.floor(rand() * members.length)].id] : [] });
		if (!made.ok) throw new Error(made.reason);
		doc.comments.write({ threads: [made.value.thread], comments: [{ ...made.value.comment, sig: randomBase64(rand, SIGNATURE_CHARS) }] });
		for (let r = 1; r < 4 && n + r < comments; r++) {
			doc.setActor(members[Math.floor(rand() * members.length)]);
			const reply = doc.comments.newReply(made.value.thread.id, sentence());
			if (!reply.ok) throw new Error(reply.reason);
			doc.comments.write({ comments: [{ ...reply.value, sig: randomBase64(rand, SIGNATURE_CHARS) }] });
		}
	}
	doc.setActor(actor);
	if (!edits || !annotations.length) return;
	// Edits in sessions: a member works through shapes for a while, an edit every few seconds.
	const start = Date.now() - 30 * 86_400_000;
	const events: ActivityEvent[] = [];
	let at = start;
	while (events.length < edits) {
		const member = members[Math.floor(rand() * members.length)].id;
		const session = 50 + Math.floor(rand() * 200);
		for (let k = 0; k < session && events.length < edits; k++) {
			at += 1000 + Math.floor(rand() * 20_000);
			events.push({ kind: 'edit', at, member, annotationId: annotations[Math.floor(rand() * annotations.length)].id });
		}
		at += 3_600_000 * rand();
	}
	doc.activity.writeHistory(events);
}


/** A star-shaped (so simple) polygon: vertices at even angles, radius 15–60 px, jittered. */
export function randomPolygon(rand: () => number, width: number, height: number, vertices = 32): number[] {
	const r = 15 + rand() * 45;
	const cx = r + rand() * Math.max(0, width - 2 * r),
		cy = r + rand() * Math.max(0, height - 2 * r);
	const points: number[] = [];
	for (let i = 0; i < vertices; i++) {
		const a = (i / vertices) * Math.PI * 2;
		const k = r * (0.7 + rand() * 0.3);
		points.push(Math.round((cx + Math.cos(a) * k) * 100) / 100, Math.round((cy + Math.sin(a) * k) * 100) / 100);
	}
	return points;
}

function randomShape(rand: () => number, p: SeedParams): Pick<NewAnnotation, 'type' | 'geometry'> {
	if (p.shapes === 'polygons' || rand() >= 0.7)
		return { type: 'polygon', geometry: { points: randomPolygon(rand, p.width, p.height, p.shapes === 'polygons' ? 32 : 12) } };
	const w = 10 + rand() * 150,
		h = 10 + rand() * 150;
	const x = rand() * (p.width - w),
		y = rand() * (p.height - h);
	return { type: 'box', geometry: { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100, width: Math.round(w * 100) / 100, height: Math.round(h * 100) / 100 } };
}

async function makeImage(i: number, width: number, height: number, rand: () => number, text?: string) {
	const canvas = new OffscreenCanvas(width, height);
	const ctx = canvas.getContext('2d')!;
	const g = ctx.createLinearGradient(0, 0, width, height);
	g.addColorStop(0, `hsl(${(i * 67) % 360} 30% 32%)`);
	g.addColorStop(1, `hsl(${(i * 67 + 140) % 360} 35% 18%)`);
	ctx.fillStyle = g;
	ctx.fillRect(0, 0, width, height);
	for (let k = 0; k < 24; k++) {
		ctx.fillStyle = `hsl(${Math.floor(rand() * 360)} 20% ${25 + Math.floor(rand() * 20)}% / 0.3)`;
		const s = (0.03 + rand() * 0.12) * Math.min(width, height);
		ctx.beginPath();
		ctx.arc(rand() * width, rand() * height, s, 0, Math.PI * 2);
		ctx.fill();
	}
	ctx.fillStyle = 'rgb(255 255 255 / 0.6)';
	ctx.font = `${Math.round(Math.min(width, height) / 10)}px sans-serif`;
	ctx.fillText(`Image ${i + 1}`, width * 0.05, height * 0.15);
	if (text) {
		ctx.fillStyle = 'white';
		ctx.fillRect(0, height * 0.5 - 80, width, 160);
		ctx.fillStyle = 'black';
		ctx.font = '64px sans-serif';
		ctx.textBaseline = 'middle';
		ctx.fillText(text, width * 0.1, height * 0.5);
	}
	const blob = await canvas.convertToBlob({ type: 'image/png' });
	const thumb = new OffscreenCanvas(256, Math.max(1, Math.round((256 * height) / width)));
	thumb.getContext('2d')!.drawImage(canvas, 0, 0, thumb.width, thumb.height);
	const thumbnail = await thumb.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
	return { blob, thumbnail };
}

export async function seedProject(p: SeedParams): Promise<{ projectId: string; imageIds: string[] }> {
	const rand = seededRandom(p.seed);
	const entry = await createProject(`Seed ${p.images}×${p.polygons} (${p.seed})`);
	const project = await openProject(entry.id);
	let result: { projectId: string; imageIds: string[] };
	try {
		const doc = project.doc;
		const classes = (p.classes ?? [{ name: 'car' }, { name: 'person' }, { name: 'tree' }]).map((input) => {
			const r = doc.addClass(input);
			if (!r.ok) throw new Error(r.reason);
			return r.value;
		});
		const records = [];
		for (let i = 0; i < p.images; i++) {
			const name = `image-${String(i + 1).padStart(5, '0')}.png`;
			if (!p.blobs) {
				const hash = await sha256Hex(new TextEncoder().encode(`peerlabel-seed:${p.seed}:${i}`));
				records.push({ name, hash, width: p.width, height: p.height, mime: 'image/png', size: 0 });
				continue;
			}
			const { blob, thumbnail } = await makeImage(i, p.width, p.height, rand, i === 0 ? p.text : undefined);
			const hash = await sha256Hex(await blob.arrayBuffer());
			await storeImageBlob(entry.id, { hash, blob, mime: 'image/png', thumbnail }, name);
			records.push({ name, hash, width: p.width, height: p.height, mime: 'image/png', size: blob.size });
		}
		const added = doc.addImages(records);
		if (!added.ok) throw new Error(added.reason);
		const images = added.value;
		const BATCH = p.batch ?? 1000;
		// Polygon k goes on image k mod N: all of them on the first image when there is one.
		for (let done = 0; images.length && done < p.polygons; done += BATCH) {
			const batch: NewAnnotation[] = [];
			for (let k = done; k < Math.min(p.polygons, done + BATCH); k++)
				batch.push({
					imageId: images[k % images.length].id,
					classId: classes[Math.floor(rand() * classes.length)].id,
					...randomShape(rand, p)
				});
			const failed = doc.createAnnotations(batch, Origin.import).find((r) => !r.ok);
			if (failed && !failed.ok) throw new Error(failed.reason);
		}
		const proposalCount = images.length ? (p.proposals ?? 0) : 0;
		if (proposalCount) {
			// Boxes in a row along the top of the first image, classes in turn, scores falling from 0.95.
			const made = doc.addProposals(
				images[0].id,
				Array.from({ length: proposalCount }, (_, k) => ({
					classId: classes[k % classes.length].id,
					type: 'box' as const,
					geometry: { x: 40 + (k % 8) * 180, y: 60 + Math.floor(k / 8) * 160, width: 140, height: 120 },
					proposal: { model: 'dev-detector', score: Math.max(0.05, 0.95 - 0.1 * k) }
				}))
			);
			const failed = made.find((r) => !r.ok);
			if (failed && !failed.ok) throw new Error(failed.reason);
		}
		if (p.touched) {
			const some = [...doc.allAnnotations()].slice(0, p.touched);
			doc.ydoc.transact(() => {
				for (const a of some) {
					const g = a.geometry as { x?: number; points?: number[] };
					const geometry = g.points ? { ...g, points: g.points.map((v, i) => (i % 2 === 0 ? Math.max(0, v - 1) : v)) } : { ...g, x: Math.max(0, (g.x ?? 1) - 1) };
					const moved = doc.updateAnnotation(a.id, { geometry: geometry as typeof a.geometry });
					if (!moved.ok) throw new Error(moved.reason);
				}
			}, Origin.import);
		}
		if (p.comments || p.edits) seedTeam(doc, rand, p.comments ?? 0, p.edits ?? 0);
		result = { projectId: entry.id, imageIds: added.value.map((i) => i.id) };
	} finally {
		await project.close();
	}
	// Tests and the benchmark rely on this data: check that all of it was stored.
	const check = await openProject(entry.id);
	const stored = check.doc.annotationCount;
	await check.close();
	const expected = p.polygons + (p.images ? (p.proposals ?? 0) : 0);
	if (stored !== expected) throw new Error(`Stored ${stored} of ${expected} annotations`);
	return result;
}
