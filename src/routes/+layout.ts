// Everything runs in the browser: the document and the images live in IndexedDB.
export const ssr = false;
export const prerender = false;
