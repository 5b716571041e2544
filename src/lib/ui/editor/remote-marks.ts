import type { Point } from '$lib/geometry';
import type { AnnotationRecord } from '$lib/model';
import { isShapeType, shapeKind } from '$lib/shapes/registry';
import type { PeerPresence } from '$lib/sync/presence';

/**
 * Where other peers' cursors and selections go over the canvas: image pixels mapped to screen pixels
 * of the canvas (its top-left corner is 0,0) through the local view, so they follow pan and zoom.
 */

export interface ScreenMapping {
	toScreen(p: Point): Point;
}

export interface RemoteCursor {
	clientId: number;
	name: string;
	color: string;
	/** image px, as the peer sent it */
	image: Point;
	screen: Point;
}

export interface RemoteSelection {
	clientId: number;
	shapeId: string;
	name: string;
	color: string;
	left: number;
	top: number;
	width: number;
	height: number;
}

export function remoteCursors(peers: readonly PeerPresence[], imageId: string, view: ScreenMapping): RemoteCursor[] {
	const out: RemoteCursor[] = [];
	for (const p of peers) {
		if (p.imageId !== imageId || !p.cursor) continue; // peers' states are checked where read (checkedPresence)
		out.push({ clientId: p.clientId, name: p.user.name, color: p.user.color, image: p.cursor, screen: view.toScreen(p.cursor) });
	}
	return out;
}

/** Outlines of the shapes peers have selected on this image; ids of shapes not (yet) here are skipped. */
export function remoteSelections(
	peers: readonly PeerPresence[],
	imageId: string,
	view: ScreenMapping,
	shape: (id: string) => AnnotationRecord | undefined
): RemoteSelection[] {
	const out: RemoteSelection[] = [];
	for (const p of peers) {
		if (p.imageId !== imageId) continue;
		for (const id of p.selection) {
			const a = shape(id);
			if (!a || a.imageId !== imageId || !isShapeType(a.type)) continue;
			const b = shapeKind(a.type).bounds(a.geometry);
			const min = view.toScreen({ x: b.minX, y: b.minY });
			const max = view.toScreen({ x: b.maxX, y: b.maxY });
			out.push({
				clientId: p.clientId,
				shapeId: id,
				name: p.user.name,
				color: p.user.color,
				left: min.x,
				top: min.y,
				width: max.x - min.x,
				height: max.y - min.y
			});
		}
	}
	return out;
}
