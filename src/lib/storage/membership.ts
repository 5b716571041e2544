import type { ProjectDoc } from '$lib/model';
import { LAST_SEEN_STEP_MS } from '$lib/model/families/members';
import { actorOf, deviceIdentity, onDeviceIdentityChange, signBytes, type DeviceIdentity } from './device-identity';
import { joinProject, toBase64, type Signer } from './team-writes';

/** This device's member signs with its key in IndexedDB. */
export const deviceSigner: Signer = { sign: signBytes };

function profileOf(identity: DeviceIdentity) {
	return { id: identity.memberId, name: identity.name, color: identity.color, algorithm: identity.algorithm, publicKey: toBase64(identity.publicKey), aliases: [...identity.aliases] };
}

/**
 * Keeps this device's member in an open project's member list (issue 15 item 1): written once the
 * document is there (a joined project's arrives from peers: nothing is written into an empty one),
 * written again when the profile changes (name, colour, an imported identity), and `lastSeen` moved
 * while the project stays open. Returns the stopper.
 */
export function keepMembership(doc: ProjectDoc, onIdentity: (identity: DeviceIdentity) => void = () => {}): () => void {
	let stopped = false;
	let identity: DeviceIdentity | null = null;
	const write = () => {
		if (stopped || !identity || doc.schemaVersion === undefined || doc.readOnlyReason) return;
		doc.setActor(actorOf(identity));
		void joinProject(doc, deviceSigner, profileOf(identity)).catch((e) => console.warn('Could not write this member into the project', e));
	};
	void deviceIdentity().then((loaded) => {
		identity = loaded;
		onIdentity(loaded);
		write();
	});
	const stopIdentity = onDeviceIdentityChange((changed) => {
		identity = changed;
		onIdentity(changed);
		write();
	});
	// The document arriving from a peer (a joined project), or a lock lifting.
	const stopChanges = doc.onChange((change) => change.meta && !doc.members.get(identity?.memberId ?? '') && write());
	const timer = setInterval(write, LAST_SEEN_STEP_MS);
	return () => {
		stopped = true;
		stopIdentity();
		stopChanges();
		clearInterval(timer);
	};
}
