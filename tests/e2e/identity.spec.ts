import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectAccessible, screens } from './support/screens';

/**
 * This device's member (issue 15 item 1), as a person meets it: the "You" button in the header, its
 * dialog (name, colour, member id), an identity that survives a reload and is made once even by two
 * tabs at once, the user of before taken over, and the identity moved to another device in a file
 * (a wrong passphrase refused, changing nothing). Each device is a browser context of its own.
 */

const PASSPHRASE = 'correct horse battery staple';
/** The viewport the tests run at, restored after screenshots. */
const VIEWPORT = { width: 1280, height: 800 };

async function device(browser: Browser): Promise<Page> {
	return (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}

async function openYou(page: Page): Promise<void> {
	await page.getByTestId('you-button').click();
	await expect(page.getByTestId('identity-dialog')).toBeVisible();
	await expect(page.getByTestId('identity-member-id')).toHaveValue(/^[0-9a-zA-Z]{16}$/);
}

const memberIdOf = (page: Page) => page.getByTestId('identity-member-id').inputValue();

/** The stored record, read from IndexedDB as the app wrote it. */
function storedIdentity(page: Page) {
	return page.evaluate(
		() =>
			new Promise<{ memberId: string; name: string; named: boolean; color: string; aliases: string[] }>((resolve, reject) => {
				const open = indexedDB.open('peerlabel');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('identity').objectStore('identity').get('self');
					get.onsuccess = () => {
						const { memberId, name, named, color, aliases } = get.result;
						open.result.close();
						resolve({ memberId, name, named, color, aliases });
					};
					get.onerror = () => reject(get.error);
				};
			})
	);
}

test('the identity is made once, even by two tabs at once, and survives a reload', async ({ browser }) => {
	const page = await device(browser);
	const second = await page.context().newPage();
	try {
		await Promise.all([page.goto('/'), second.goto('/')]);
		await openYou(page);
		await openYou(second);
		const id = await memberIdOf(page);
		expect(await memberIdOf(second)).toBe(id);
		// A new device's member has no name chosen yet: the header says the default.
		await expect(page.getByTestId('you-name')).toHaveText('Annotator');
		await page.reload();
		await openYou(page);
		expect(await memberIdOf(page)).toBe(id);
		expect((await storedIdentity(page)).memberId).toBe(id);
	} finally {
		await page.context().close();
	}
});

test("the device's user of before: its name, and its id kept as an alias", async ({ browser }) => {
	const page = await device(browser);
	try {
		await page.context().addInitScript(() => {
			if (!sessionStorage.getItem('seeded')) {
				sessionStorage.setItem('seeded', '1');
				localStorage.setItem('peerlabel.actor', JSON.stringify({ id: 'legacyActor00001', name: 'Cy', named: true }));
			}
		});
		await page.goto('/');
		// The project list shows the name it had, and writes nothing (the identity is made when needed).
		await expect(page.getByTestId('you-name')).toHaveText('Cy');
		await openYou(page);
		await expect(page.getByTestId('you-name')).toHaveText('Cy');
		const stored = await storedIdentity(page);
		expect(stored).toMatchObject({ name: 'Cy', named: true, aliases: ['legacyActor00001'] });
		// The synchronous copy now names the member.
		expect(JSON.parse((await page.evaluate(() => localStorage.getItem('peerlabel.actor')))!)).toMatchObject({ id: stored.memberId, name: 'Cy' });
	} finally {
		await page.context().close();
	}
});

test('moving the identity: exported with a passphrase on A, refused with a wrong one on B, then imported', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await device(browser);
	const b = await device(browser);
	try {
		// A chooses a name and a colour: a swatch, then any colour from the native picker.
		await a.goto('/');
		await openYou(a);
		const memberA = await memberIdOf(a);
		await a.getByTestId('identity-name').fill('  Ada Lovelace ');
		await a.getByTitle('Violet').click();
		await expect(a.getByRole('radio', { name: 'Violet' })).toBeChecked();
		await expect(a.getByTestId('identity-color-value')).toHaveText('#7c3aed');
		await a.getByTestId('identity-color').fill('#b42318');
		await expect(a.getByRole('radio', { name: 'Violet' })).not.toBeChecked();
		await a.getByTestId('identity-save').click();
		await expect(a.getByTestId('you-name')).toHaveText('Ada Lovelace');
		await expect(a.getByTestId('you-color')).toHaveCSS('background-color', 'rgb(180, 35, 24)');
		await expect(a.getByTestId('you-button')).toHaveAccessibleName('You: Ada Lovelace');
		expect(await storedIdentity(a)).toMatchObject({ memberId: memberA, name: 'Ada Lovelace', named: true, color: '#b42318' });

		// A name of spaces is refused, saying why, and nothing changes.
		await a.getByTestId('identity-name').fill('   ');
		await a.getByTestId('identity-save').click();
		await expect(a.getByTestId('identity-dialog').getByRole('alert')).toHaveText('A name is needed');
		await expect(a.getByTestId('you-name')).toHaveText('Ada Lovelace');
		await a.getByTestId('identity-name').fill('Ada Lovelace');

		// The export asks for the passphrase twice, of 8 characters or more.
		await a.getByTestId('identity-export-passphrase').fill('short');
		await a.getByTestId('identity-export-again').fill('short');
		await a.getByTestId('identity-export').click();
		await expect(a.getByTestId('identity-export-error')).toHaveText('A passphrase has at least 8 characters.');
		await a.getByTestId('identity-export-passphrase').fill(PASSPHRASE);
		await a.getByTestId('identity-export-again').fill(PASSPHRASE + '!');
		await a.getByTestId('identity-export').click();
		await expect(a.getByTestId('identity-export-error')).toContainText('The two passphrases differ');
		await a.getByTestId('identity-export-again').fill(PASSPHRASE);
		const downloading = a.waitForEvent('download');
		await a.getByTestId('identity-export').click();
		const download = await downloading;
		expect(download.suggestedFilename()).toBe('peerlabel-identity-Ada-Lovelace.json');
		const file = readFileSync((await download.path())!);
		const parsed = JSON.parse(file.toString('utf8'));
		expect(parsed).toMatchObject({ kind: 'peerlabel-identity', memberId: memberA, name: 'Ada Lovelace', color: '#b42318' });
		expect(file.toString('utf8')).not.toContain('PRIVATE');
		await expect(a.getByTestId('identity-export-done')).toContainText('peerlabel-identity-Ada-Lovelace.json');
		await expectAccessible(a, 'the identity dialog after an export');
		await screens(a, 'identity', 'dialog', VIEWPORT);

		// B, another device: a member of its own.
		await b.goto('/');
		await openYou(b);
		const memberB = await memberIdOf(b);
		expect(memberB).not.toBe(memberA);
		const nameB = await b.getByTestId('you-name').innerText();

		// A wrong passphrase: refused, saying why; B is still B.
		await b.getByTestId('identity-import-file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: file });
		await b.getByTestId('identity-import-passphrase').fill('wrong horse battery staple');
		await b.getByTestId('identity-import').click();
		await expect(b.getByTestId('confirm-dialog')).toBeVisible();
		await expect(b.getByTestId('identity-import-confirmation')).toContainText(memberB);
		await expectAccessible(b, 'the identity dialog asking to confirm an import');
		await screens(b, 'identity', 'import-confirm', VIEWPORT);
		await b.getByTestId('confirm-ok').click();
		await expect(b.getByTestId('identity-import-error')).toHaveText('Wrong passphrase (or the file was changed)');
		await expect(b.getByTestId('confirm-dialog')).toBeHidden();
		await expect(b.getByTestId('identity-member-id')).toHaveValue(memberB);
		await expect(b.getByTestId('you-name')).toHaveText(nameB);
		expect((await storedIdentity(b)).memberId).toBe(memberB);
		await expectAccessible(b, 'the identity dialog with an import refused');
		await screens(b, 'identity', 'import-refused', VIEWPORT);

		// Not a file of identities at all: said so too.
		await b.getByTestId('identity-import-file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"images": []}') });
		// Escape cancels the confirmation only: the identity dialog stays open, nothing is read.
		await b.getByTestId('identity-import').click();
		await expect(b.getByTestId('confirm-dialog')).toBeVisible();
		await b.keyboard.press('Escape');
		await expect(b.getByTestId('confirm-dialog')).toBeHidden();
		await expect(b.getByTestId('identity-dialog')).toBeVisible();
		await b.getByTestId('identity-import').click();
		await b.getByTestId('confirm-ok').click();
		await expect(b.getByTestId('identity-import-error')).toHaveText('This is not a Peerlabel identity file');
		expect((await storedIdentity(b)).memberId).toBe(memberB);

		// The right passphrase: B is now A's member, with A's name and colour; B's own id follows as an alias.
		await b.getByTestId('identity-import-file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: file });
		await b.getByTestId('identity-import-passphrase').fill(PASSPHRASE);
		await b.getByTestId('identity-import').click();
		await b.getByTestId('confirm-ok').click();
		await expect(b.getByTestId('identity-import-done')).toContainText(`This device is now Ada Lovelace (member ${memberA})`);
		await expect(b.getByTestId('identity-member-id')).toHaveValue(memberA);
		await expect(b.getByTestId('identity-name')).toHaveValue('Ada Lovelace');
		await expect(b.getByTestId('identity-color-value')).toHaveText('#b42318');
		await expect(b.getByTestId('you-name')).toHaveText('Ada Lovelace');
		await expect(b.getByTestId('you-color')).toHaveCSS('background-color', 'rgb(180, 35, 24)');
		expect(await storedIdentity(b)).toMatchObject({ memberId: memberA, name: 'Ada Lovelace', color: '#b42318', aliases: [memberB] });
		await screens(b, 'identity', 'import-done', VIEWPORT);

		// After a reload, B is still A's member.
		await b.reload();
		await openYou(b);
		expect(await memberIdOf(b)).toBe(memberA);
		await expect(b.getByTestId('you-name')).toHaveText('Ada Lovelace');
	} finally {
		await Promise.all([a.context().close(), b.context().close()]);
	}
});

test('the dialog, with nothing typed yet: accessible, every control named', async ({ browser }) => {
	const page = await device(browser);
	try {
		await page.goto('/');
		await openYou(page);
		await expectAccessible(page, 'the identity dialog');
		const dialog = page.getByTestId('identity-dialog');
		for (const name of ['Display name, as teammates see it', 'Member id', 'Passphrase (8 characters or more)', 'Passphrase again', 'Its passphrase'])
			await expect(dialog.getByLabel(name, { exact: true })).toHaveCount(1);
		await expect(dialog.getByRole('radio')).toHaveCount(10);
		await expect(dialog.getByLabel('Any other colour')).toHaveCount(1);
		await expect(dialog.getByLabel('Identity file')).toHaveCount(1);
		for (const name of ['Close', 'Save', 'Copy', 'Export identity file', 'Import identity file…']) await expect(dialog.getByRole('button', { name, exact: true })).toHaveCount(1);
		await screens(page, 'identity', 'dialog-new', VIEWPORT);
		await page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
	} finally {
		await page.context().close();
	}
});
