/**
 * Time per frame spent (re)drawing tiles: the rest of the 16.7 ms goes to drawing and compositing the
 * layers. When the view has been still for a moment nothing else competes, so tiles get more.
 */
const TILE_BUDGET_MS = 5;
const IDLE_TILE_BUDGET_MS = 11;
const IDLE_AFTER_MS = 150;

/** What a frame draws: the base layer within a time budget (true when every tile is done), then the overlay. */
export interface FrameDrawing {
	/** False until the canvas has a size: nothing is drawn before. */
	canDraw(): boolean;
	drawBase(budgetMs: number): boolean;
	drawOverlay(): void;
}

/**
 * The editor's frame loop: draws only what was marked dirty, one animation frame at a time, and keeps
 * asking for frames while base tiles remain. Once stopped it asks for none (work that finishes later, a
 * zoom's tiles or an observer, may still mark things dirty).
 */
export class FrameLoop {
	private raf = 0;
	private stopped = false;
	private baseDirty = true;
	private overlayDirty = true;
	private lastViewChange = 0;

	constructor(private readonly drawing: FrameDrawing) {}

	/** Everything is drawn again. */
	invalidateAll(): void {
		this.baseDirty = true;
		this.overlayDirty = true;
		this.schedule();
	}

	invalidateOverlay(): void {
		this.overlayDirty = true;
		this.schedule();
	}

	/** The view moved: tiles get the busy budget for a moment. */
	viewChanged(): void {
		this.lastViewChange = performance.now();
	}

	stop(): void {
		this.stopped = true;
		cancelAnimationFrame(this.raf);
		this.raf = 0;
	}

	private schedule(): void {
		if (!this.raf && !this.stopped) this.raf = requestAnimationFrame(this.frame);
	}

	private readonly frame = () => {
		this.raf = 0;
		if (!this.drawing.canDraw()) return;
		if (this.baseDirty) {
			const idle = performance.now() - this.lastViewChange > IDLE_AFTER_MS;
			this.baseDirty = !this.drawing.drawBase(idle ? IDLE_TILE_BUDGET_MS : TILE_BUDGET_MS);
		}
		if (this.overlayDirty) {
			this.overlayDirty = false;
			this.drawing.drawOverlay();
		}
		if (this.baseDirty) this.schedule();
	};
}
