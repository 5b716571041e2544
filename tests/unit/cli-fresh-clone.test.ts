// The converter must run straight after `npm install`: no `.svelte-kit/` (made by a build or sync), no build output.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'peerlabel-fresh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of what a clone holds: the files git tracks or would track (not the ignored .svelte-kit/, build/, …). */
function freshClone(to: string) {
	const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
	for (const path of listed.split('\0').filter(Boolean)) {
		if (!existsSync(join(ROOT, path))) continue; // deleted in the working tree
		mkdirSync(dirname(join(to, path)), { recursive: true });
		cpSync(join(ROOT, path), join(to, path));
	}
	symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

it('converts a dataset from a fresh clone that was never built', { timeout: 180_000 }, () => {
	const clone = join(work, 'clone');
	freshClone(clone);
	expect(existsSync(join(clone, '.svelte-kit'))).toBe(false);
	expect(existsSync(join(clone, 'build'))).toBe(false);
	const coco = {
		images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }],
		categories: [{ id: 1, name: 'cat' }],
		annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 4, 6], area: 24, iscrowd: 0 }]
	};
	writeFileSync(join(work, 'instances.json'), JSON.stringify(coco));
	const out = join(work, 'yolo');
	const r = spawnSync(process.execPath, [join(clone, 'src/cli/peerlabel.js'), 'convert', '--from', 'auto', '--to', 'yolo', 'instances.json', out], {
		cwd: work,
		encoding: 'utf8',
		env: { ...process.env, PEERLABEL_CLI_CACHE: join(work, 'cache') },
		timeout: 170_000
	});
	expect(r.stderr).not.toMatch(/Tsconfig not found|Build failed/);
	expect(r.status).toBe(0);
	expect(r.stdout).toContain('read: 1 images, 1 classes, 1 annotations (coco, detected)');
	expect(readFileSync(join(out, 'labels/train/a.txt'), 'utf8').trim()).toBe('0 0.3 0.5 0.4 0.6');
});
