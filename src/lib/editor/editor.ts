import type { Point } from '$lib/geometry';
import type { AnnotationPatch, AnnotationRecord, ClassRecord, DocChange, ProjectDoc } from '$lib/model';
import { isShapeType, shapeKind, type Geometry, type ShapeType } from '$lib/shapes/registry';
import { shapeView } from '$lib/shapes/views';
import { createPolygonTool, type RingTarget } from '$lib/shapes/polygon/view';
import { partAt, withoutPart, type PolygonGeometry } from '$lib/shapes/polygon/kind';
import { onPageHide } from '$lib/storage/page-hide';
import { LOCKED_REASON } from '$lib/model/project-doc';
import { formatCombo, keyCombo, type ActionRegistry } from './actions';
import { directionArrow, overlayDirectionArrow } from './direction-arrow';
import { clipShape, copyToClipboard, placeShapes, readClipboard, type ClipShape } from './clipboard';
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
import type { AssistBridge, MaskToolOptions, Tool, ToolContext } from './tools/tool';
import { toolContext } from './tools/tool-context';
import { Viewport } from './viewport';

/**
 * Time per frame spent (re)drawing tiles: the rest of the 16.7 ms goes to drawing and compositing the
 * layers. When the view has been still for a moment nothing else competes, so tiles get more.
 */
const TILE_BUDGET_MS = 5;
const IDLE_TILE_BUDGET_MS = 11;
const IDLE_AFTER_MS = 150;
const HIT_TOLERANCE_PX = 4;
/** A part is picked within this many screen px of its outline (the select tool's handle reach). */
const HANDLE_TOLERANCE_PX = 7;
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
}

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
	private tool: Tool;
	private live: Geometry | null = null;
	private raf = 0;
	/** Torn down: work that finishes later (a zoom's tiles, an observer) asks for frames that must not run. */
	private destroyed = false;
	private baseDirty = true;
	private overlayDirty = true;
	private sized = false;
	/** Null until first set, so the first state is always written out. */
	private ready: boolean | null = null;
	private lastViewChange = 0;
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
		this.toolContext = toolContext(this);
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

	get assist(): AssistBridge | undefined {
		return this.options.assist;
	}

	/** The assist panel changed an option the active tool reads (tolerance): the preview follows. */
	toolOptionsChanged(): void {
		this.tool.optionsChanged?.();
	}

	// ---- model proposals ---------------------------------------------------------------------------

	/** Accepts the selected proposal and selects the next one (image order, top first). */
	acceptSelectedProposal(): void {
		const a = this.selectedShape();
		if (!a?.proposal) return void this.hint(a ? 'This shape is not a model proposal' : 'Select a model proposal first (N jumps to the next)');
		if (this.doc.readOnlyReason) return void this.refuse(this.doc.readOnlyReason);
		const next = this.proposalAfter(a.id);
		const r = this.doc.acceptProposals([a.id]);
		if (!r.ok) return void this.refuse(r.reason);
		this.select(next?.id ?? a.id);
	}

	/** Accepts every proposal on this image as one undo step. */
	acceptAllProposals(): void {
		if (this.doc.readOnlyReason) return void this.refuse(this.doc.readOnlyReason);
		const r = this.doc.acceptAllProposals(this.options.imageId);
		if (!r.ok) return void this.refuse(r.reason);
		this.hint(r.value ? `Accepted ${r.value} proposal${r.value === 1 ? '' : 's'}` : 'No model proposals on this image');
	}

	/** Rejects (deletes) the given proposals, or the selected one. */
	rejectProposals(ids: string[] = this.state.selectedId ? [this.state.selectedId] : []): void {
		if (this.doc.readOnlyReason) return void this.refuse(this.doc.readOnlyReason);
		const r = this.doc.rejectProposals(ids);
		if (!r.ok) this.refuse(r.reason);
	}

	/** Selects the next proposal awaiting review, after the selected shape (wrapping round). */
	selectNextProposal(): void {
		const next = this.proposalAfter(this.state.selectedId);
		if (!next) return void this.hint('No model proposals on this image');
		this.select(next.id);
	}

	/** The proposal after `id` in the shape list's order (topmost first), wrapping; not `id` itself. */
	private proposalAfter(id: string | null): AnnotationRecord | undefined {
		const list = this.doc.annotationsOf(this.options.imageId).reverse();
		const at = id ? list.findIndex((a) => a.id === id) : -1;
		const order = [...list.slice(at + 1), ...list.slice(0, Math.max(0, at))];
		return order.find((a) => a.proposal && !viewPrefs.isHidden(a));
	}

	/** The polygon tool, drawing a ring that becomes a hole of the selected polygon. */
	cutHole(): void {
		const sel = this.selectedShape();
		if (sel?.type !== 'polygon') return this.hint('Select a polygon first, then press H to cut a hole in it');
		this.armRing({ id: sel.id, as: 'hole' });
		this.hint('Click the corners of the hole inside the polygon and close it on the first point; Escape cancels', 6000);
	}

	/** The polygon tool, drawing a ring that becomes a further part of the selected polygon (one object). */
	addPart(): void {
		const sel = this.selectedShape();
		if (sel?.type !== 'polygon') return this.hint(`Select a polygon first, then press ${this.keyOf('polygon.addPart')} to add a part to it`);
		if (sel.locked) return void this.refuse(LOCKED_REASON);
		this.armRing({ id: sel.id, as: 'part' });
		this.hint('Click the corners of the new part and close it on the first point: it joins the selected polygon; Escape cancels', 6000);
	}

	/**
	 * Removes one part of the selected polygon: the part under the pointer, or else the part last
	 * clicked (the toolbar's button is off the canvas); refused for its last part.
	 */
	removePart(): void {
		const sel = this.selectedShape();
		if (sel?.type !== 'polygon') return this.hint('Select a polygon of several parts first');
		const g = sel.geometry as PolygonGeometry;
		if (!g.parts?.length) return void this.refuse('This polygon has one part: delete the shape to remove it');
		if (sel.locked) return void this.refuse(LOCKED_REASON);
		const p = this.pointerAt ?? this.pressedAt;
		const part = p ? partAt(g, p, HANDLE_TOLERANCE_PX / this.viewport.scale) : -1;
		if (part < 0) return this.hint('Point at the part to remove (or click it first), then remove it');
		const next = withoutPart(g, part);
		if (next && this.updateGeometry(sel.id, next)) this.hint(`Part ${part + 1} removed (${shapeKind('polygon').describe(next)})`);
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
		const on = !this.doc.annotationsOf(this.options.imageId).some((a) => a.type === 'tag' && a.classId === classId);
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
		for (const a of this.doc.annotationsOf(this.options.imageId)) top = Math.max(top, a.instanceId ?? 0);
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

	copySelected(): void {
		const a = this.selectedShape();
		if (!a) return void this.hint('Select a shape to copy');
		copyToClipboard({ sourceImageId: this.options.imageId, shapes: [clipShape(a)] });
		this.hint('Copied 1 shape: Ctrl+V pastes it here or on another image');
	}

	/** Pastes the clipboard at the same place (10 px off when an identical shape is already there). */
	paste(): void {
		const clip = readClipboard();
		if (!clip?.shapes.length) return void this.hint('Nothing copied yet: select a shape and press Ctrl+C');
		this.placeCopies(clip.shapes, true);
	}

	duplicateSelected(): void {
		const a = this.selectedShape();
		if (!a) return void this.hint('Select a shape to duplicate');
		this.placeCopies([clipShape(a)], true);
	}

	/** Copies every shape of the previous image (project order) onto this one, as one undo step. */
	repeatPreviousImage(): void {
		const images = this.doc.images();
		const previous = images[images.findIndex((i) => i.id === this.options.imageId) - 1];
		if (!previous) return void this.hint('This is the first image: there is no previous one to copy from');
		// Tags the image already has are not doubled; in single-label mode any tag here stands.
		const here = this.doc.annotationsOf(this.options.imageId).filter((a) => shapeKind(a.type).imageLevel);
		const tagTaken = (classId: string) => (this.doc.tagMode === 'single' ? here.length > 0 : here.some((t) => t.classId === classId));
		const shapes = this.doc
			.annotationsOf(previous.id)
			.filter((a) => !shapeKind(a.type).imageLevel || !tagTaken(a.classId))
			.map(clipShape);
		if (!shapes.length) return void this.hint(`${previous.name} has no shapes to copy`);
		const { placed, skipped } = this.placeCopies(shapes, false);
		if (placed) this.hint(`Copied ${placed} shape${placed === 1 ? '' : 's'} from ${previous.name}${skipped ? ` (${skipped} did not fit)` : ''}`);
	}

	/** Brings the selected shape to the front (+1) or sends it to the back (-1). */
	moveToEnd(side: 1 | -1): void {
		const a = this.selectedShape();
		if (!a) return void this.hint('Select a shape first');
		const r = this.doc.setZExtreme(a.id, side);
		if (!r.ok) this.refuse(r.reason);
	}

	/** Moves the selected shape one place up (+1) or down (-1) the drawing order. */
	moveOneStep(step: 1 | -1): void {
		const a = this.selectedShape();
		if (!a) return void this.hint('Select a shape first');
		const r = this.doc.stepZ(a.id, step);
		if (!r.ok) this.refuse(r.reason);
	}

	toggleLock(id = this.state.selectedId): void {
		const a = id ? this.store.get(id) : undefined;
		if (!a) return void this.hint('Select a shape to lock or unlock');
		const r = this.doc.updateAnnotation(a.id, { locked: !a.locked });
		if (!r.ok) return void this.refuse(r.reason);
		this.hint(r.value.locked ? 'Locked: it cannot be moved, reshaped or deleted (its class and attributes still can change)' : 'Unlocked');
	}

	/** Hides the selected shape on this device; with nothing selected, shows every hidden shape again. */
	toggleHidden(): void {
		const id = this.state.selectedId;
		if (id) {
			viewPrefs.setShapeHidden(id, true);
			this.hint('Hidden on this device: show it again with its eye in the shape list');
		} else if (viewPrefs.hiddenShapes.size) {
			for (const hidden of viewPrefs.hiddenShapes) viewPrefs.setShapeHidden(hidden, false);
			this.hint('Every hidden shape is shown again');
		} else this.hint('Select a shape to hide');
	}

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

	/** Creates copies on this image as one undo step and selects the topmost; refused ones are counted. */
	private placeCopies(shapes: ClipShape[], offsetIfOccupied: boolean): { placed: number; skipped: number } {
		if (this.doc.readOnlyReason) return this.refuse(this.doc.readOnlyReason), { placed: 0, skipped: shapes.length };
		const image = this.viewport.image;
		const { inputs, skipped } = placeShapes(shapes, this.options.imageId, image, this.doc.annotationsOf(this.options.imageId), offsetIfOccupied);
		const results = this.doc.createAnnotations(inputs);
		const created = results.flatMap((r) => (r.ok ? [r.value] : []));
		const refused = results.find((r) => !r.ok);
		if (!created.length) {
			const reason = refused && !refused.ok ? refused.reason : `It does not fit this image (${image.width}×${image.height})`;
			this.refuse(shapes.length === 1 ? reason : `None of the ${shapes.length} shapes could be placed: ${reason}`);
		} else this.select(created[created.length - 1].id);
		return { placed: created.length, skipped: skipped + results.length - created.length };
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
		this.destroyed = true;
		cancelAnimationFrame(this.raf);
		this.raf = 0;
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
		this.baseDirty = true;
		this.overlayDirty = true;
		this.setReady(false);
		this.schedule();
	}

	redrawOverlay(): void {
		this.overlayDirty = true;
		this.schedule();
	}

	setCursor(cursor: string): void {
		if (this.container.style.cursor !== cursor) this.container.style.cursor = cursor;
	}

	private schedule(): void {
		if (!this.raf && !this.destroyed) this.raf = requestAnimationFrame(this.frame);
	}

	private readonly frame = () => {
		this.raf = 0;
		if (!this.sized) return;
		if (this.baseDirty) {
			const idle = performance.now() - this.lastViewChange > IDLE_AFTER_MS;
			const tilesDone = this.renderer.render(idle ? IDLE_TILE_BUDGET_MS : TILE_BUDGET_MS);
			this.baseDirty = !tilesDone;
			this.setReady(tilesDone && this.pyramid.complete);
		}
		if (this.overlayDirty) {
			this.overlayDirty = false;
			this.drawOverlay();
		}
		if (this.baseDirty) this.schedule();
	};

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
		this.lastViewChange = performance.now();
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
