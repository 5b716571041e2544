import { newId, type Actor } from '$lib/model';

const KEY = 'peerlabel.actor';

/** This device's user: an id made once, and a display name the user may change. */
export function deviceActor(): Actor {
	try {
		const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Actor | null;
		if (stored?.id) return stored;
	} catch {
		// unreadable: make a new one
	}
	const actor = { id: newId(), name: 'Annotator' };
	localStorage.setItem(KEY, JSON.stringify(actor));
	return actor;
}
