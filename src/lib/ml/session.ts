import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Sessions } from './family';

/** The session of `role`, or a clear message naming what the model lacks. */
export function sessionOf(sessions: Sessions, role: string): InferenceSession {
	const s = sessions[role];
	if (!s) throw new Error(`This model has no ${role} file`);
	return s;
}

/** The declared shape of an input ([] when the model does not say), from the session's metadata. */
export function inputShape(session: InferenceSession, name: string): ReadonlyArray<number | string> {
	const meta = session.inputMetadata?.find((m) => m.name === name);
	return meta && meta.isTensor ? meta.shape : [];
}

export async function runSession(session: InferenceSession, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
	return (await session.run(feeds)) as Record<string, Tensor>;
}
