import { deviceIdentity, onDeviceIdentityChange, type DeviceIdentity } from '$lib/storage/device-identity';

/** This device's member as the pages show it: loaded once, kept current when it changes here or in another tab. */
class You {
	identity = $state.raw<DeviceIdentity | null>(null);
	problem = $state<string | null>(null);
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		onDeviceIdentityChange((identity) => (this.identity = identity));
		deviceIdentity().then(
			(identity) => (this.identity = identity),
			(e: unknown) => (this.problem = e instanceof Error ? e.message : String(e))
		);
	}
}

export const you = new You();
