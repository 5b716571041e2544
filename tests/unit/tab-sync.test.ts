import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { TabSync } from '../../src/lib/sync/tab-sync';

/** Tabs are simulated by Y.Docs with TabSync over Node's real BroadcastChannel (same process, like tabs of one origin). */
const open: TabSync[] = [];
let project = 0;

function tab(projectId: string) {
	const doc = new Y.Doc();
	const awareness = new Awareness(doc);
	const sync = new TabSync(projectId, doc, awareness);
	open.push(sync);
	return { doc, awareness, sync };
}

const settle = () => new Promise((r) => setTimeout(r, 30));
async function until(check: () => boolean) {
	for (let i = 0; i < 200 && !check(); i++) await settle();
	expect(check()).toBe(true);
}

afterEach(() => {
	for (const s of open.splice(0)) s.destroy();
});

describe('TabSync', () => {
	it('a tab that opens later receives what the other has, and both exchange edits from then on', async () => {
		const id = `p${++project}`;
		const one = tab(id);
		one.doc.getMap('annotations').set('a1', { id: 'a1' });
		const two = tab(id);
		await until(() => two.doc.getMap('annotations').has('a1'));
		two.doc.getMap('annotations').set('a2', { id: 'a2' });
		await until(() => one.doc.getMap('annotations').has('a2'));
	});

	it('a newcomer with edits of its own (made offline, say) gives them to the tab already open', async () => {
		const id = `p${++project}`;
		const one = tab(id);
		one.doc.getMap('meta').set('name', 'one');
		const twoDoc = new Y.Doc();
		twoDoc.getMap('annotations').set('mine', { id: 'mine' });
		open.push(new TabSync(id, twoDoc, new Awareness(twoDoc)));
		await until(() => one.doc.getMap('annotations').has('mine') && twoDoc.getMap('meta').get('name') === 'one');
	});

	it('keeps projects apart', async () => {
		const a = tab(`p${++project}`);
		const b = tab(`p${++project}`);
		a.doc.getMap('meta').set('name', 'A');
		await settle();
		await settle();
		expect(b.doc.getMap('meta').get('name')).toBeUndefined();
	});

	it('shows each tab’s presence to the others', async () => {
		const id = `p${++project}`;
		const one = tab(id);
		const two = tab(id);
		one.awareness.setLocalStateField('user', { name: 'Ada' });
		await until(() => (two.awareness.getStates().get(one.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Ada');
	});
});
