import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '$lib/formats/registry';
import { FIXTURES, filesUnder, haveFixtures } from './support/dataset-files';

/** The format each folder of ../shared/fixtures holds, by the folder's name. */
const FORMAT_OF_FOLDER: Record<string, string> = {
	coco: 'coco',
	voc: 'voc',
	yolo: 'yolo',
	cvat: 'cvat',
	darwin: 'darwin',
	labelme: 'labelme',
	label_studio: 'labelstudio',
	datumaro: 'datumaro'
};

describe.skipIf(!haveFixtures)(`--from auto on every real fixture (${haveFixtures ? FIXTURES : 'skipped: ../shared/fixtures is missing'})`, () => {
	for (const [folder, format] of Object.entries(FORMAT_OF_FOLDER)) {
		const cases = haveFixtures ? readdirSync(join(FIXTURES, folder)) : [];
		it.each(cases)(`${folder}/%s is detected as ${format}`, (sub) => {
			// Two folders also hold the Darwin JSON they were converted from: the converted format wins.
			expect(detectFormat(filesUnder(join(FIXTURES, folder, sub)))?.id).toBe(format);
		});
	}

	it('claims nothing for files of no format', () => {
		const files = [{ path: 'notes.txt', bytes: new TextEncoder().encode('hello') }];
		expect(detectFormat(files)).toBeNull();
	});
});
