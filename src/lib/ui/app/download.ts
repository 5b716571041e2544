/** Saves a blob as a file through a download link (the browser's own download: nothing leaves the device). */
export function downloadBlob(blob: Blob, fileName: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	document.body.append(a);
	a.click();
	a.remove();
	// Revoked later: a browser may still be reading the blob when the click returns.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
