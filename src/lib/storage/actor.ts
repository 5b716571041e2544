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

/** Changes the name this device's user is shown by to teammates. */
export function setDeviceName(name: string): Actor {
	const clean = name.trim().slice(0, 40);
	if (!clean) throw new Error('A name is needed');
	const actor = { ...deviceActor(), name: clean, named: true };
	localStorage.setItem(KEY, JSON.stringify(actor));
	return actor;
}

/** True once the user has chosen a name (asked once per device, when a project is first shared). */
export function hasChosenName(): boolean {
	return (deviceActor() as Actor & { named?: boolean }).named === true;
}
