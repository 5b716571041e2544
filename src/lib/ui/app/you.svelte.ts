import { deviceIdentity, onDeviceIdentityChange, storedDeviceIdentity, type DeviceIdentity } from '$lib/storage/device-identity';

/** This device's member as the pages show it: loaded once, kept current when it changes here or in another tab. */
class You {
	identity = $state.raw<DeviceIdentity | null>(null);
	/** Until an identity is made: the name this device's user had before (its copy in localStorage), if any. */
	earlierName = $state<string | null>(null);
	problem = $state<string | null>(null);
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		onDeviceIdentityChange((identity) => (this.identity = identity));
		this.earlierName = loadedMirrorName();
		// Shown if there is one; made only when needed (a project opened, the dialog opened).
		storedDeviceIdentity().then(
			(identity) => (this.identity ??= identity),
			(e: unknown) => (this.problem = e instanceof Error ? e.message : String(e))
		);
	}

	/** Makes the identity when there is none yet (the "You" dialog shows it). */
	ensure(): void {
		this.start();
		if (this.identity) return;
		deviceIdentity().then(
			(identity) => (this.identity = identity),
			(e: unknown) => (this.problem = e instanceof Error ? e.message : String(e))
		);
	}
}

export const you = new You();

function loadedMirrorName(): string | null {
	try {
		const mirror = JSON.parse(localStorage.getItem('peerlabel.actor') ?? 'null') as { name?: unknown } | null;
		return typeof mirror?.name === 'string' && mirror.name.trim() ? mirror.name : null;
	} catch {
		return null;
	}
}
