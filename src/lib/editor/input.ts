import type { Editor } from './editor';
import type { ToolPointer } from './tools/tool';

/** Wheel deltas that look like a mouse wheel's notches zoom; smooth trackpad scrolls pan. */
export function isMouseWheel(e: Pick<WheelEvent, 'deltaMode' | 'deltaX' | 'deltaY'>): boolean {
	if (e.deltaMode !== 0) return true;
	return e.deltaX === 0 && Math.abs(e.deltaY) >= 40 && Number.isInteger(e.deltaY);
}

/** Zoom factor for one wheel event: pinch (ctrl+wheel) deltas are small, mouse notches large. */
export function wheelZoomFactor(deltaY: number, pinch: boolean): number {
	return Math.exp(-deltaY * (pinch ? 0.01 : 0.002));
}

function isTyping(target: EventTarget | null): boolean {
	const el = target as HTMLElement | null;
	if (!el) return false;
	// A key in a dialog (the rejection's form, its buttons) is the dialog's, never a shortcut.
	if (typeof el.closest === 'function' && el.closest('dialog')) return true;
	return el.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
}

/**
 * Pointer, wheel and keyboard wiring: pan (space+drag, middle button, two-finger scroll) and zoom are
 * handled here; everything else goes to the active tool or the action registry.
 */
export function attachInput(editor: Editor): () => void {
	const el = editor.container;
	let spaceHeld = false;
	let pan: { id: number; x: number; y: number } | null = null;
	let toolPointer: number | null = null;

	const local = (e: MouseEvent) => {
		const r = el.getBoundingClientRect();
		return { x: e.clientX - r.left, y: e.clientY - r.top };
	};
	const pointer = (e: MouseEvent): ToolPointer => {
		const screen = local(e);
		return {
			screen,
			image: editor.viewport.toImage(screen),
			button: e.button,
			alt: e.altKey,
			shift: e.shiftKey,
			mod: e.ctrlKey || e.metaKey
		};
	};

	function onPointerDown(e: PointerEvent) {
		el.focus({ preventScroll: true });
		if (e.button === 1 || (e.button === 0 && spaceHeld)) {
			e.preventDefault();
			pan = { id: e.pointerId, x: e.clientX, y: e.clientY };
			el.setPointerCapture(e.pointerId);
			editor.setCursor('grabbing');
			return;
		}
		if (e.button !== 0 && !(e.button === 2 && editor.activeTool.rightClick)) return;
		toolPointer = e.pointerId;
		el.setPointerCapture(e.pointerId);
		const p = pointer(e);
		editor.notePointer(p.image, true);
		editor.activeTool.down(p);
	}

	function onPointerMove(e: PointerEvent) {
		if (pan && e.pointerId === pan.id) {
			editor.panBy(e.clientX - pan.x, e.clientY - pan.y);
			pan.x = e.clientX;
			pan.y = e.clientY;
			return;
		}
		const p = pointer(e);
		editor.notePointer(p.image, false);
		editor.activeTool.move(p, toolPointer === e.pointerId && (e.buttons & 1) === 1);
	}

	function onPointerUp(e: PointerEvent) {
		if (pan && e.pointerId === pan.id) {
			pan = null;
			editor.setCursor(spaceHeld ? 'grab' : 'default');
			return;
		}
		if (toolPointer !== e.pointerId) return;
		toolPointer = null;
		editor.activeTool.up(pointer(e));
	}

	function onPointerCancel(e: PointerEvent) {
		if (pan?.id === e.pointerId) pan = null;
		if (toolPointer === e.pointerId) {
			toolPointer = null;
			editor.activeTool.cancel();
		}
	}

	function onWheel(e: WheelEvent) {
		e.preventDefault();
		const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
		const pinch = e.ctrlKey || e.metaKey;
		if (pinch || isMouseWheel(e)) editor.zoomBy(wheelZoomFactor(e.deltaY * unit, pinch), local(e));
		else editor.panBy(-e.deltaX * unit, -e.deltaY * unit);
	}

	function onDoubleClick(e: MouseEvent) {
		editor.activeTool.doubleClick?.(pointer(e));
	}

	function onKeyDown(e: KeyboardEvent) {
		if (isTyping(e.target) || e.isComposing) return;
		if (e.key === ' ') {
			e.preventDefault();
			if (!spaceHeld && !pan) editor.setCursor('grab');
			spaceHeld = true;
			return;
		}
		if (editor.handleKey(e)) e.preventDefault();
	}

	function onKeyUp(e: KeyboardEvent) {
		if (e.key !== ' ' || isTyping(e.target)) return;
		e.preventDefault(); // not a click on the focused toolbar button
		spaceHeld = false;
		if (!pan) editor.setCursor('default');
	}

	const preventMenu = (e: Event) => e.preventDefault();
	const onBlur = () => (spaceHeld = false);

	const listeners = new AbortController();
	const signal = listeners.signal;
	el.addEventListener('pointerdown', onPointerDown, { signal });
	el.addEventListener('pointermove', onPointerMove, { signal });
	el.addEventListener('pointerup', onPointerUp, { signal });
	el.addEventListener('pointercancel', onPointerCancel, { signal });
	el.addEventListener('pointerleave', () => editor.notePointer(null, false), { signal });
	el.addEventListener('wheel', onWheel, { passive: false, signal });
	el.addEventListener('dblclick', onDoubleClick, { signal });
	el.addEventListener('contextmenu', preventMenu, { signal });
	el.addEventListener('auxclick', preventMenu, { signal });
	window.addEventListener('keydown', onKeyDown, { signal });
	window.addEventListener('keyup', onKeyUp, { signal });
	window.addEventListener('blur', onBlur, { signal });
	return () => listeners.abort();
}
