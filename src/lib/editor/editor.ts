import type { Point } from '$lib/geometry';
import type { AnnotationPatch, AnnotationRecord, ClassRecord, DocChange, ProjectDoc } from '$lib/model';
import { isShapeType, shapeKind, type Geometry, type ShapeType } from '$lib/shapes/registry';
import { shapeView } from '$lib/shapes/views';
import { createPolygonTool, type RingTarget } from '$lib/shapes/polygon/view';
import { onPageHide } from '$lib/storage/page-hide';
import { LOCKED_REASON } from '$lib/model/project-doc';
import { formatCombo, keyCombo, type ActionRegistry } from './actions';
import { directionArrow, overlayDirectionArrow } from './direction-arrow';
import { applyOverrides, loadOverrides, rebind, resetAllBindings, resetBinding, saveOverrides, type HotkeyOverrides } from './hotkeys';
import { viewPrefs } from './view-prefs.svelte';
import { editorActions } from './editor-actions';
import type { EditorState } from './editor-state.svelte';
import { ImagePyramid } from './image-pyramid';
import { attachInput } from './input';
import { Overlay } from './overlay';
import { Renderer } from './renderer';
import { ShapeStore } from './shape-store';
import { createSelectTool } from './tools/select-tool';
import { createAssistTool } from './tools/assist-tool';
import { createCommentTool } from './tools/comment-tool';
import type { AssistBridge, MaskToolOptions, Tool, ToolContext } from './tools/tool';
import { toolContext } from './tools/tool-context';
import { Viewport } from './viewport';
import type { CommandContext } from './commands/context';
import { rejectProposals } from './commands/proposals';
import { toggleLock } from './commands/shape-flags';
import { FrameLoop } from './frame-loop';

const HIT_TOLERANCE_PX = 4;
const SNAP_PX = 8;
const FALLBACK_COLOR = '#9aa4b2';
const NUDGE_KEYS: Record<string, [number, number]> = {
	arrowleft: [-1, 0],
	arrowright: [1, 0],
	arrowup: [0, -1],
	arrowdown: [0, 1],
	'shift+arrowleft': [-10, 0],
	'shift+arrowright': [10, 0],
	'shift+arrowup': [0, -10],
	'shift+arrowdown': [0, 10]
};

/** The editor that last wrote document.body's data-editor-ready (a new one may mount before the old goes). */
let readyOwner: Editor | null = null;

export interface EditorOptions {
	doc: ProjectDoc;
	imageId: string;
	state: EditorState;
	loadImage(hash: string): Promise<Blob | undefined>;
	/** Asked to open the next (+1) or previous (-1) image. */
	navigate(delta: 1 | -1): void;
	/** Model assistance for the smart tool (the ui wires an MlApi in; absent: the tool says so). */
	readonly assist?: AssistBridge;
	/** The comment tool was clicked at this image point: the ui opens a new thread there. */
	comment?(at: Point): void;
	/** A review decision asked for by key (the ui signs and writes it, or opens the rejection dialog). */
	review?(action: ReviewKey): void;
}

/** The review decisions the editor's keys ask for. */
export type ReviewKey = 'submit' | 'accept' | 'reject' | 'reopen';

/**
 * The annotation canvas of one image. Mount it on an empty element; it adds a base canvas (image and
 * cached shape tiles) and a Paper.js overlay (what is being edited), and draws only when something changed.
 */
export class Editor {
	readonly viewport: Viewport;
	readonly store: ShapeStore;
	readonly actions: ActionRegistry<Editor>;
	private readonly doc: ProjectDoc;
	private readonly state: EditorState;
	private readonly renderer: Renderer;
	private readonly overlay: Overlay;
	private readonly pyramid = new ImagePyramid();
	private readonly cleanups: (() => void)[] = [];
	private readonly toolContext: ToolContext;
	/** What the commands (`editor/commands/`) reach of the editor. */
	readonly commands: CommandContext;
	private tool: Tool;
	private live: Geometry | null = null;
	private readonly frames: FrameLoop;
	private sized = false;
	/** Null until first set, so the first state is always written out. */
	private ready: boolean | null = null;
	private overlayEmpty = false;
	private pointerAt: Point | null = null;
	private pressedAt: Point | null = null;

	constructor(
		readonly container: HTMLElement,
		private readonly options: EditorOptions
	) {
		this.doc = options.doc;
		this.state = options.state;
		const image = this.doc.getImage(options.imageId);
		if (!image) throw new Error('That image is not in this project');
		this.viewport = new Viewport({ width: image.width, height: image.height });
		this.store = new ShapeStore(this.doc, options.imageId);
		this.actions = editorActions();
		applyOverrides(this.actions, loadOverrides());

		const base = document.createElement('canvas');
		const top = document.createElement('canvas');
		base.className = 'editor-base';
		top.className = 'editor-overlay';
		for (const c of [base, top]) c.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;display:block';
		top.style.pointerEvents = 'none';
		container.append(base, top);
		this.renderer = new Renderer(base, this.viewport, this.store, this.doc, this.pyramid);
		this.overlay = new Overlay(top);
		this.renderer.isHidden = (a) => viewPrefs.isHidden(a);
		this.renderer.setStyle(viewPrefs.fillOpacity, viewPrefs.outlineWidth);
		this.frames = new FrameLoop({
			canDraw: () => this.sized,
			drawBase: (budget) => {
				const tilesDone = this.renderer.render(budget);
				this.setReady(tilesDone && this.pyramid.complete);
				return tilesDone;
			},
			drawOverlay: () => this.drawOverlay()
		});
		this.toolContext = toolContext(this);
		this.commands = this.commandContext();
		this.tool = createSelectTool(this.toolContext);

		this.cleanups.push(
			this.doc.onChange((c) => this.onDocChange(c)),
			attachInput(this),
			// A move or reshape under way is written now: a hidden page may never see the pointerup.
			onPageHide(() => this.tool.commit?.()),
			viewPrefs.subscribe(() => this.viewPrefsChanged()),
			() => base.remove(),
			() => top.remove()
		);
		const observer = new ResizeObserver(() => this.resize());
		observer.observe(container);
		this.cleanups.push(() => observer.disconnect());
		this.resize();
		this.state.tool = 'select';
		this.state.classId ??= this.doc.classes()[0]?.id ?? null;
		this.setReady(false);
		this.container.dataset.shapeCount = String(this.store.size);
		performance.mark('editor:mounted');
		void this.load(image.hash);
	}

	// ---- commands (toolbar, keys) -----------------------------------------------------------------

	setTool(id: string): void {
		this.tool.cancel();
		if (id === 'select') this.tool = createSelectTool(this.toolContext);
		else if (id === 'smart') this.tool = createAssistTool(this.toolContext);
		else if (id === 'comment') this.tool = createCommentTool(this.toolContext, (at) => this.placeComment(at));
		else {
			const create = isShapeType(id) ? shapeView(id).createTool : undefined;
			if (!create) return;
			this.tool = create(this.toolContext);
		}
		this.state.tool = id;
		this.container.dataset.tool = id;
		this.setCursor(id === 'select' ? 'default' : 'crosshair');
		this.redrawOverlay();
	}

	/** A click of the comment tool: the ui opens the new thread's form; the tool goes back to select. */
	private placeComment(at: Point): void {
		const place = this.options.comment;
		if (!place) return void this.hint('Comments are not available here');
		this.setTool('select');
		place(at);
	}

	/** Shows or hides the comment pins over the canvas (this tab only). */
	togglePins(): void {
		this.state.pinsHidden = !this.state.pinsHidden;
	}

	/** A review decision by key: the ui makes it (it signs it) or says why it cannot be made. */
	review(action: ReviewKey): void {
		// A shape half drawn is not dropped by a decision that moves on to the next image.
		if (this.tool.busy()) return void this.hint('Finish or cancel the shape being drawn first');
		this.tool.cancel();
		if (!this.options.review) return void this.hint('Review is not available here');
		this.options.review(action);
	}

	get assist(): AssistBridge | undefined {
		return this.options.assist;
	}

	/** The assist panel changed an option the active tool reads (tolerance): the preview follows. */
	toolOptionsChanged(): void {
		this.tool.optionsChanged?.();
	}

	// ---- model proposals ---------------------------------------------------------------------------

	/** Rejects (deletes) the given proposals, or the selected one. */
	rejectProposals(ids?: string[]): void {
		rejectProposals(this.commands, ids);
	}

	toggleLock(id?: string | null): void {
		toggleLock(this.commands, id);
	}

	private commandContext(): CommandContext {
		// The getter reads the selection as it is now.
		const editor = this;
		return {
			doc: this.doc,
			imageId: this.options.imageId,
			viewport: this.viewport,
			get selectedId() {
				return editor.state.selectedId;
			},
			selected: () => this.selectedShape(),
			shape: (id) => this.store.get(id),
			select: (id) => this.select(id),
			hint: (text, ms) => this.hint(text, ms),
			refuse: (reason) => this.refuse(reason),
			updateGeometry: (id, geometry) => this.updateGeometry(id, geometry),
			armRing: (target) => this.armRing(target),
			pointer: () => this.pointerAt ?? this.pressedAt,
			keyOf: (actionId) => this.keyOf(actionId)
		};
	}

	/** Where the pointer is over the canvas (null when it is off it), and where it was last pressed. */
	notePointer(p: Point | null, pressed: boolean): void {
		this.pointerAt = p;
		if (pressed && p) this.pressedAt = p;
	}

	private armRing(target: RingTarget): void {
		this.setTool('polygon');
		this.tool = createPolygonTool(this.toolContext, target);
	}

	private keyOf(actionId: string): string {
		const k = this.actions.keysOf(actionId)[0];
		return k ? formatCombo(k) : 'its key';
	}

	select(id: string | null): void {
		const shape = id === null ? undefined : this.store.get(id);
		if (!shape || viewPrefs.isHidden(shape)) id = null;
		this.live = null;
		this.state.selectedId = id;
		if (id) this.container.dataset.selectedId = id;
		else delete this.container.dataset.selectedId;
		this.renderer.exclude(id);
		this.requestRender();
	}

	get selectedId(): string | null {
		return this.state.selectedId;
	}

	deleteSelected(): void {
		const id = this.state.selectedId;
		if (!id) return;
		this.deleteShape(id);
	}

	deleteShape(id: string): void {
		if (this.doc.readOnlyReason) return void this.refuse(this.doc.readOnlyReason);
		if (this.store.get(id)?.locked) return void this.refuse(LOCKED_REASON);
		if (id === this.state.selectedId) this.select(null);
		this.doc.deleteAnnotations([id]);
	}

	/** Sets the class for new shapes and, when a shape is selected, changes its class too. */
	setClass(classId: string): void {
		this.state.classId = classId;
		const id = this.state.selectedId;
		if (id) this.changeClass(id, classId);
	}

	changeClass(id: string, classId: string): void {
		const a = this.store.get(id);
		if (!a || a.classId === classId) return;
		const r = this.doc.updateAnnotation(id, { classId });
		if (!r.ok) this.refuse(r.reason);
	}

	/** Creates a shape of the current class and selects it; false (with a hint) when refused. */
	createShape(type: ShapeType, geometry: unknown): boolean {
		const classId = this.state.classId;
		if (!classId) return this.refuse('Add a class to the project first');
		const r = this.doc.createAnnotation({ imageId: this.options.imageId, classId, type, geometry });
		if (!r.ok) return this.refuse(r.reason);
		this.select(r.value.id);
		return true;
	}

	updateGeometry(id: string, geometry: unknown): boolean {
		const r = this.doc.updateAnnotation(id, { geometry });
		return r.ok || this.refuse(r.reason);
	}

	/** Shows the selected shape with this geometry while a gesture is in progress (null: the stored one). */
	setLive(geometry: Geometry | null): void {
		this.live = geometry;
		this.redrawOverlay();
	}

	get maskOptions(): Readonly<MaskToolOptions> {
		return this.state;
	}

	/** Brush size (clamped to 1-500 image px, whole pixels) and mode of the mask tool. */
	setMaskOptions(patch: Partial<MaskToolOptions>): void {
		if (patch.brushSize !== undefined && Number.isFinite(patch.brushSize))
			this.state.brushSize = Math.min(500, Math.max(1, Math.round(patch.brushSize)));
		if (patch.maskTool) this.state.maskTool = patch.maskTool;
		this.redrawOverlay();
	}

	hitTest(p: Point): AnnotationRecord | null {
		return this.store.hitTest(p, HIT_TOLERANCE_PX / this.viewport.scale, (a) => !viewPrefs.isHidden(a));
	}

	snap(p: Point, exceptId?: string): Point {
		if (!viewPrefs.snapToVertices) return p;
		return this.store.nearestVertex(p, SNAP_PX / this.viewport.scale, exceptId) ?? p;
	}

	hint(text: string, ms?: number): void {
		this.state.showHint(text, ms);
	}

	/** The colour of the current class: what new shapes will get. */
	currentColor(): string {
		return (this.state.classId && this.doc.getClass(this.state.classId)?.color) || FALLBACK_COLOR;
	}

	currentClass(): ClassRecord | undefined {
		return this.state.classId ? this.doc.getClass(this.state.classId) : undefined;
	}

	private refuse(reason: string): false {
		this.state.showHint(reason);
		return false;
	}

	pickClassByHotkey(key: string): void {
		const cls = this.doc.classes().find((c) => c.hotkey === key);
		// A class that is only an image tag has nothing to draw: its hotkey toggles the tag.
		if (cls?.shapeTypes.length === 1 && cls.shapeTypes[0] === 'tag') this.toggleTag(cls.id);
		else if (cls) this.setClass(cls.id);
	}

	/** Puts this class's tag on the image, or takes it off (single tag mode: it replaces the other tag). */
	toggleTag(classId: string): boolean {
		const on = !this.doc.workingAnnotationsOf(this.options.imageId).some((a) => a.type === 'tag' && a.classId === classId);
		const r = this.doc.setTag(this.options.imageId, classId, on);
		return r.ok || this.refuse(r.reason);
	}

	/** Writes attributes or sub-annotations of a shape (the inspector); false with a hint when refused. */
	updateAnnotation(id: string, patch: AnnotationPatch): boolean {
		if (this.doc.readOnlyReason) return this.refuse(this.doc.readOnlyReason);
		const r = this.doc.updateAnnotation(id, patch);
		return r.ok || this.refuse(r.reason);
	}

	/** The smallest instance id above every one on this image. */
	nextInstanceId(): number {
		let top = 0;
		for (const a of this.doc.workingAnnotationsOf(this.options.imageId)) top = Math.max(top, a.instanceId ?? 0);
		return top + 1;
	}

	undo(): void {
		this.tool.cancel();
		if (this.doc.readOnlyReason) this.refuse(this.doc.readOnlyReason);
		else if (!this.doc.undo()) this.hint('Nothing to undo');
	}

	redo(): void {
		this.tool.cancel();
		if (this.doc.readOnlyReason) this.refuse(this.doc.readOnlyReason);
		else if (!this.doc.redo()) this.hint('Nothing to redo');
	}

	zoomBy(factor: number, anchor?: Point): void {
		if (anchor) this.viewport.zoomAt(factor, anchor);
		else this.viewport.zoomAtCenter(factor);
		this.viewChanged();
	}

	panBy(dx: number, dy: number): void {
		this.viewport.panBy(dx, dy);
		this.viewChanged();
	}

	fit(): void {
		this.viewport.fit();
		this.viewChanged();
	}

	navigate(delta: 1 | -1): void {
		this.tool.cancel();
		this.options.navigate(delta);
	}

	// ---- editing comforts: clipboard, order, lock, hide, shortcuts -------------------------------------

	openShortcuts(): void {
		this.tool.cancel();
		this.state.shortcutsOpen = true;
	}

	/** Rebinds an action to one combo (refused when another action uses it); null when done, else why not. */
	rebindKey(id: string, combo: string): string | null {
		return this.saveKeys(rebind(this.actions, loadOverrides(), id, combo));
	}

	resetKey(id: string): string | null {
		return this.saveKeys(resetBinding(this.actions, loadOverrides(), id));
	}

	resetAllKeys(): void {
		this.saveKeys({ ok: true, overrides: resetAllBindings(this.actions) });
	}

	private saveKeys(r: { ok: true; overrides: HotkeyOverrides } | { ok: false; reason: string }): string | null {
		if (!r.ok) return r.reason;
		saveOverrides(r.overrides);
		this.state.keysRevision++;
		return null;
	}

	private selectedShape(): AnnotationRecord | undefined {
		return this.state.selectedId ? this.store.get(this.state.selectedId) : undefined;
	}

	private viewPrefsChanged(): void {
		this.renderer.setStyle(viewPrefs.fillOpacity, viewPrefs.outlineWidth);
		this.renderer.invalidateAll();
		const sel = this.selectedShape();
		if (sel && viewPrefs.isHidden(sel)) this.select(null);
		this.requestRender();
	}

	runAction(id: string): void {
		this.actions.get(id)?.run(this, '');
	}

	/** A key from the window: the active tool sees it first (Enter, Backspace, Escape while drawing). */
	handleKey(e: KeyboardEvent): boolean {
		const combo = keyCombo(e);
		if (this.tool.key(combo)) return true;
		// With a shape selected the arrows move it (as in drawing apps); with none they turn the pages.
		const nudge = NUDGE_KEYS[combo];
		if (nudge && this.state.selectedId && !this.tool.busy()) return this.nudgeSelected(nudge[0], nudge[1]), true;
		return this.actions.handle(this, combo);
	}

	/** Moves the selected shape by (dx, dy) image px, kept on the image; one undo step per press. */
	nudgeSelected(dx: number, dy: number): void {
		const a = this.selectedShape();
		if (!a) return;
		if (a.locked) return void this.refuse(LOCKED_REASON);
		const kind = shapeKind(a.type);
		const b = kind.bounds(a.geometry);
		const { width, height } = this.viewport.image;
		const mx = Math.min(Math.max(dx, -b.minX), width - b.maxX);
		const my = Math.min(Math.max(dy, -b.minY), height - b.maxY);
		if (mx || my) this.updateGeometry(a.id, kind.translate(a.geometry, mx, my));
	}

	get activeTool(): Tool {
		return this.tool;
	}

	destroy(): void {
		// The tool first: cancelling it redraws, which asked for a frame that ran after the overlay was gone.
		this.tool.cancel();
		this.frames.stop();
		for (const c of this.cleanups.splice(0)) c();
		this.pyramid.close();
		this.renderer.tiles.clear();
		this.overlay.destroy();
		if (readyOwner === this) {
			delete document.body.dataset.editorReady;
			readyOwner = null;
		}
	}

	// ---- drawing ----------------------------------------------------------------------------------

	requestRender(): void {
		this.setReady(false);
		this.frames.invalidateAll();
	}

	redrawOverlay(): void {
		this.frames.invalidateOverlay();
	}

	setCursor(cursor: string): void {
		if (this.container.style.cursor !== cursor) this.container.style.cursor = cursor;
	}

	private drawOverlay(): void {
		const o = this.overlay;
		o.begin(this.viewport);
		const sel = this.state.selectedId ? this.store.get(this.state.selectedId) : undefined;
		if (sel) {
			const edges = this.doc.getClass(sel.classId)?.skeleton?.edges;
			o.shape(sel.type, this.live ?? sel.geometry, { color: this.classColor(sel), fillAlpha: 0.35, width: 2, edges, dashed: !!sel.proposal });
		}
		const arrow = sel && directionArrow({ ...sel, geometry: this.live ?? sel.geometry }, this.doc.getClass(sel.classId));
		if (arrow) overlayDirectionArrow(o, arrow, this.classColor(sel!));
		this.tool.drawOverlay(o);
		// An empty layer that was already blank needs no clearing: skip Paper's redraw.
		const wasEmpty = this.overlayEmpty;
		this.overlayEmpty = o.isEmpty();
		if (!(wasEmpty && this.overlayEmpty)) o.end();
	}

	private viewChanged(): void {
		const v = this.viewport;
		this.frames.viewChanged();
		this.state.zoom = v.scale;
		this.state.viewRevision++;
		const d = this.container.dataset;
		d.scale = String(v.scale);
		d.tx = String(v.tx);
		d.ty = String(v.ty);
		this.requestRender();
	}

	private setReady(ready: boolean): void {
		if (ready === this.ready) return;
		this.ready = ready;
		if (ready) performance.mark('editor:ready');
		this.state.ready = ready;
		this.container.dataset.editorReady = String(ready);
		document.body.dataset.editorReady = String(ready);
		readyOwner = this;
	}

	private resize(): void {
		const { width, height } = this.container.getBoundingClientRect();
		if (width < 1 || height < 1) return;
		const dpr = window.devicePixelRatio || 1;
		this.viewport.setViewSize({ width, height });
		this.renderer.resize(width, height, dpr);
		this.overlay.resize(width, height);
		if (!this.sized) this.viewport.fit();
		this.sized = true;
		this.viewChanged();
	}

	private async load(hash: string): Promise<void> {
		try {
			const blob = await this.options.loadImage(hash);
			if (!blob) throw new Error('The image file is missing from this browser’s storage.');
			performance.mark('editor:image-loaded');
			await this.pyramid.build(blob, () => this.requestRender());
			performance.mark('editor:image-decoded');
		} catch (e) {
			this.state.loadError = e instanceof Error ? e.message : String(e);
		}
	}

	// ---- document ---------------------------------------------------------------------------------

	private onDocChange(change: DocChange): void {
		if (change.classes) {
			this.renderer.invalidateAll();
			this.requestRender();
		}
		if ((change.team.has('tasks') || change.team.has('consensus')) && this.store.layerChanged) {
			// A task given or ended, a merge: the member now sees another set of shapes.
			this.store.reload();
			this.renderer.invalidateAll();
			this.container.dataset.shapeCount = String(this.store.size);
			if (this.state.selectedId && !this.store.get(this.state.selectedId)) this.select(null);
			this.requestRender();
			return;
		}
		if (!change.annotations.size) return;
		const dirty = this.store.apply(change);
		for (const id of change.annotations.keys()) if (!this.store.get(id)) this.renderer.forget(id);
		this.renderer.invalidate(dirty);
		this.container.dataset.shapeCount = String(this.store.size);
		if (this.state.selectedId && !this.store.get(this.state.selectedId)) this.select(null);
		if (dirty.length) this.requestRender();
	}

	private classColor(a: AnnotationRecord): string {
		return this.doc.getClass(a.classId)?.color ?? FALLBACK_COLOR;
	}
}
