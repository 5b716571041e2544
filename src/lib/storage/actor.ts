import { newId, type Actor } from '$lib/model';
import { actorOf, deviceIdentity, loadedDeviceIdentity } from './device-identity';
import { parseLegacyActor } from './member-profile';

const KEY = 'peerlabel.actor';

/**
 * This device's user, for callers that cannot wait: the device's member (device-identity.ts) once it has
 * loaded, which it has wherever a project is open (openProject waits for it) and soon after any page
 * starts (the header loads it). Before that, the id this device last wrote under, which the identity
 * keeps as its own or as an alias. Prefer `actorOf(await deviceIdentity())`.
 */
export function deviceActor(): Actor {
	const loaded = loadedDeviceIdentity();
	if (loaded) return actorOf(loaded);
	void deviceIdentity().catch(() => {});
	const legacy = parseLegacyActor(localStorage.getItem(KEY));
	if (legacy) return { id: legacy.id, name: legacy.name };
	// The very first moment on a new device: this id becomes the identity's alias when it is made.
	const actor = { id: newId(), name: 'Annotator' };
	localStorage.setItem(KEY, JSON.stringify(actor));
	return actor;
}
