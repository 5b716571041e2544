/**
 * Calls `listener` when the page is hidden (another tab, a minimised window, a phone's home screen) or
 * left. Either may be the last time its code runs: a hidden page can be discarded or killed without any
 * further event, and `unload`/`beforeunload` are not fired then (nor reliably on mobile at all).
 */
export function onPageHide(listener: () => void): () => void {
	const onVisibility = () => {
		if (document.visibilityState === 'hidden') listener();
	};
	document.addEventListener('visibilitychange', onVisibility);
	window.addEventListener('pagehide', listener);
	return () => {
		document.removeEventListener('visibilitychange', onVisibility);
		window.removeEventListener('pagehide', listener);
	};
}
