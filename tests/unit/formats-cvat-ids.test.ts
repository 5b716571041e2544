import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { exportSelection, planImport } from '$lib/formats/project-dataset';
import { cvatCodec } from '$lib/formats/cvat';
import { xmlAttributes } from '$lib/formats/cvat/kept';
import { child, list, parseCvatXml, textOfChild, type XmlNode } from '$lib/formats/cvat/xml';
import { withGeometry, type Dataset } from '$lib/formats/dataset';
import { utf8 } from '$lib/formats/files';
import { join } from 'node:path';
import { FIXTURES, filesUnder, haveFixtures } from './support/dataset-files';

/** A CVAT task export as CVAT writes it: its own image and label ids, and attributes this app has no place for. */
const TASK = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>5</id>
      <name>streets</name>
      <labels>
        <label>
          <id>31</id>
          <name>car</name>
          <color>#ff0000</color>
          <type>rectangle</type>
          <attributes>
          </attributes>
        </label>
        <label>
          <id>47</id>
          <name>road</name>
          <color>#00ff00</color>
          <type>any</type>
          <description>asphalt only</description>
          <attributes>
          </attributes>
        </label>
      </labels>
    </task>
  </meta>
  <image id="17" name="a.jpg" width="100" height="80" task_id="5" subset="train" job_id="12">
    <box label="car" source="auto" occluded="1" xtl="1.5" ytl="2" xbr="30" ybr="40" z_order="3" group_id="8">
    </box>
    <polygon label="road" source="semi-auto" occluded="0" points="10,10;60,10;60,50" z_order="5">
    </polygon>
    <tag label="car" source="file">
    </tag>
  </image>
  <image id="204" name="b.jpg" width="64" height="48" task_id="5">
    <points label="car" source="manual" occluded="1" points="3,4" z_order="0" outside_note="kept">
    </points>
    <box label="car" source="manual" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40" z_order="1">
    </box>
  </image>
  <image id="9001" name="c.jpg" width="32" height="32" task_id="6">
  </image>
</annotations>
`;

/** The same annotations as drawn here: nothing kept from a file. */
const everyTypeOf = (d: Dataset): Dataset => ({ ...d, annotations: d.annotations.map((a) => ({ ...a, imported: undefined })) });
const parse = (bytes: Uint8Array) => child(parseCvatXml(new TextDecoder().decode(bytes), 'annotations.xml'), 'annotations')!;
const SHAPES = ['box', 'polygon', 'points', 'tag'] as const;
/** Each shape element's attributes, by image id and tag, in file order. */
const shapesOf = (img: XmlNode) => SHAPES.flatMap((tag) => list(img[tag]).map((el) => [tag, xmlAttributes(el)]));
const labelsOf = (root: XmlNode) =>
	list(child(child(child(root, 'meta'), 'task'), 'labels')?.label).map((l) => ['id', 'name', 'color', 'type', 'description'].map((k) => textOfChild(l, k)));

function roundTrip(change: (d: Dataset) => void = () => {}) {
	const { dataset } = cvatCodec.read([{ path: 'annotations.xml', bytes: utf8(TASK) }]);
	change(dataset);
	return { before: parse(utf8(TASK)), after: parse(cvatCodec.write(dataset, { includeImages: false }).files[0].bytes), dataset };
}

describe('CVAT keeps its own ids and the attributes this app has no place for', () => {
	it('reads image and label ids and the extra attributes into imported', () => {
		const { dataset } = roundTrip();
		expect(dataset.images.map((i) => i.imported)).toEqual([
			{ format: 'cvat', id: 17, fields: { task_id: '5', job_id: '12' } },
			{ format: 'cvat', id: 204, fields: { task_id: '5' } },
			{ format: 'cvat', id: 9001, fields: { task_id: '6' } }
		]);
		expect(dataset.classes.map((c) => c.imported)).toEqual([
			{ format: 'cvat', id: 31, fields: { type: 'rectangle' } },
			{ format: 'cvat', id: 47, fields: { description: 'asphalt only' } }
		]);
		const box = dataset.annotations.find((a) => a.type === 'box')!;
		expect(box.imported).toEqual({ format: 'cvat', fields: { source: 'auto', occluded: '1', z_order: '3' } });
		expect(box.instanceId).toBe(8);
		// What the writer writes anyway is not kept: CVAT's defaults (source manual, occluded 0), and a
		// z_order of 0 for the first shape of an image or one above the shape before it.
		expect(dataset.annotations.map((a) => [a.type, a.imported?.fields])).toEqual([
			['box', { source: 'auto', occluded: '1', z_order: '3' }],
			['polygon', { source: 'semi-auto', z_order: '5' }],
			['tag', { source: 'file' }],
			['keypoint', { occluded: '1', outside_note: 'kept' }],
			['box', undefined]
		]);
	});

	it('writes every image, label and shape back with the same ids and attributes', () => {
		const { before, after } = roundTrip();
		expect(list(after.image).map(xmlAttributes)).toEqual(list(before.image).map(xmlAttributes));
		expect(list(after.image).map(shapesOf)).toEqual(list(before.image).map(shapesOf));
		expect(labelsOf(after)).toEqual(labelsOf(before));
	});

	it('a new image gets the next free id, a new label the next free label id; new shapes get CVAT defaults', () => {
		const { after } = roundTrip((d) => {
			d.images.push({ name: 'new.jpg', width: 10, height: 10 });
			d.classes.push({ name: 'bike' });
			d.annotations.push(withGeometry({ image: 'new.jpg', className: 'bike' }, 'box', { x: 1, y: 1, width: 4, height: 4 }));
		});
		expect(list(after.image).map((i) => i['@_id'])).toEqual(['17', '204', '9001', '9002']);
		expect(labelsOf(after).map((l) => l[0])).toEqual(['31', '47', '48']);
		expect(shapesOf(list(after.image)[3])).toEqual([['box', { label: 'bike', source: 'manual', occluded: '0', z_order: '0', xtl: '1', ytl: '1', xbr: '5', ybr: '5' }]]);
	});

	it('two images with the same CVAT id: the first keeps it, the other gets the next free one', () => {
		const { after } = roundTrip((d) => {
			d.images[1].imported = { format: 'cvat', id: 17 };
		});
		expect(list(after.image).map((i) => i['@_id'])).toEqual(['17', '9002', '9001']);
	});

	it('a file without label ids gets none; images from another format are numbered from 0', () => {
		const { after } = roundTrip((d) => {
			for (const c of d.classes) delete c.imported;
			for (const i of d.images) i.imported = { format: 'coco', id: 5 };
		});
		expect(labelsOf(after).map((l) => l[0])).toEqual(['', '']);
		expect(list(after.image).map((i) => [i['@_id'], i['@_task_id']])).toEqual([['0', undefined], ['1', undefined], ['2', undefined]]);
	});

	it('kept z_orders that no longer follow the annotation order give way to positions', () => {
		const { after } = roundTrip((d) => {
			const [box, polygon] = d.annotations;
			d.annotations.splice(0, 2, polygon, box); // the box (z 3) now drawn above the polygon (z 5)
		});
		expect(shapesOf(list(after.image)[0]).map(([tag, a]) => [tag, (a as Record<string, string>).z_order])).toEqual([
			['box', '1'],
			['polygon', '0'],
			['tag', undefined]
		]);
	});

	it('z_orders as CVAT writes them (ties, negative, out of order) come back on every shape; a file of ours keeps none', () => {
		const xml = TASK.replace(/<image id="17"[\s\S]*?<\/image>/, `<image id="17" name="a.jpg" width="100" height="80">
    <box label="car" source="manual" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40" z_order="7"></box>
    <box label="car" source="manual" occluded="0" xtl="2" ytl="2" xbr="30" ybr="40" z_order="-2"></box>
    <polygon label="road" source="manual" occluded="0" points="10,10;60,10;60,50" z_order="0"></polygon>
    <polygon label="road" source="manual" occluded="0" points="11,10;60,10;60,50" z_order="0"></polygon>
    <polygon label="road" source="manual" occluded="0" points="12,10;60,10;60,50" z_order="-1"></polygon>
  </image>`);
		const read = (bytes: Uint8Array) => cvatCodec.read([{ path: 'annotations.xml', bytes }]).dataset;
		const written = cvatCodec.write(read(utf8(xml)), { includeImages: false }).files[0].bytes;
		const zs = (root: XmlNode) => shapesOf(list(root.image)[0]).map(([tag, a]) => `${tag} ${(a as Record<string, string>).points ?? (a as Record<string, string>).xtl} z ${(a as Record<string, string>).z_order}`).sort();
		expect(zs(parse(written))).toEqual(zs(parse(utf8(xml))));
		const ours = read(cvatCodec.write(read(written), { includeImages: false }).files[0].bytes);
		// -1 and the first 0 are one above the shape before them: what the writer writes anyway.
		const kept = (d: Dataset) => d.annotations.filter((a) => a.image === 'a.jpg').map((a) => a.imported?.fields?.z_order);
		expect(kept(read(written))).toEqual(['-2', undefined, undefined, '0', '7']);
		expect(kept(ours)).toEqual(['-2', undefined, undefined, '0', '7']);
		const fresh = read(cvatCodec.write(everyTypeOf(read(written)), { includeImages: false }).files[0].bytes);
		expect(fresh.annotations.some((a) => a.imported?.fields?.z_order !== undefined)).toBe(false);
	});

	it('kept fields never repeat or replace what the writer sets, nor break the XML', () => {
		const { after } = roundTrip((d) => {
			d.annotations[0].imported = { format: 'cvat', fields: { xtl: '999', label: 'x', z_order: '3', 'bad name': '1', note: 'a "quoted" <b>', nested: { a: 1 } } };
		});
		const [, box] = shapesOf(list(after.image)[0]).find(([tag]) => tag === 'box')!;
		expect(box).toMatchObject({ label: 'car', xtl: '1.5', note: 'a "quoted" <b>', z_order: '3' });
		expect(Object.keys(box)).not.toContain('nested');
	});
});

describe.skipIf(!haveFixtures)('CVAT fixtures keep their ids and attributes (skipped: ../shared/fixtures is missing)', () => {
	const roundTripOf = (dir: string) => {
		const files = filesUnder(join(FIXTURES, 'cvat', dir)).filter((f) => f.path.endsWith('.xml'));
		const before = parse(files[0].bytes);
		const after = parse(cvatCodec.write(cvatCodec.read(files).dataset, { includeImages: false }).files[0].bytes);
		return { before, after };
	};

	it('datumaro_for_images_skeleton: image ids and every attribute of boxes and polygons come back', () => {
		const { before, after } = roundTripOf('datumaro_for_images_skeleton');
		expect(list(after.image).map(xmlAttributes)).toEqual(list(before.image).map(xmlAttributes));
		const labelled = (img: XmlNode) => shapesOf(img).filter(([tag, a]) => tag !== 'points' && (a as Record<string, string>).label);
		list(before.image).forEach((img, i) => {
			const written = labelled(list(after.image)[i]);
			expect(written.map(([tag]) => tag)).toEqual(labelled(img).map(([tag]) => tag));
			labelled(img).forEach(([, attrs], k) => expect(written[k][1]).toMatchObject(attrs as object));
		});
	});

	it('datumaro_export_project: task_id kept; the ids each subset repeats are kept once, the rest get the next free ones', () => {
		const { after } = roundTripOf('datumaro_export_project');
		expect(list(after.image).map((i) => [i['@_id'], i['@_task_id'], i['@_subset']])).toEqual([
			['0', '39', 'Test'],
			['1', '39', 'Test'],
			['2', '39', 'Train'],
			['3', '39', 'Train'],
			['4', '39', 'Validation'],
			['5', '39', 'Validation']
		]);
	});
});

describe('CVAT ids, attributes and multi-part polygons survive a project: import → export', () => {
	it('the same image and label ids and element attributes; two polygons of one group stay one annotation', () => {
		const xml = TASK.replace('</image>', `  <polygon label="road" source="manual" occluded="0" points="1,1;9,1;9,9" z_order="6" group_id="2"></polygon>
    <polygon label="road" source="manual" occluded="0" points="20,20;29,20;29,29" z_order="6" group_id="2"></polygon>
  </image>`);
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'CVAT ids' });
		const { dataset } = cvatCodec.read([{ path: 'annotations.xml', bytes: utf8(xml) }]);
		const added = doc.addImages(dataset.images.map((im) => ({ name: im.name, hash: im.name, width: im.width, height: im.height, mime: 'image/jpeg', size: 1 })));
		if (!added.ok) throw new Error(added.reason);
		const plan = planImport(doc, dataset, { mode: 'existing' });
		if (!plan.ok) throw new Error(plan.errors.join('\n'));
		const written = doc.importDataset(plan.plan);
		if (!written.ok) throw new Error(written.reason);
		const exported = exportSelection(doc).dataset;
		expect(exported.annotations.filter((a) => a.type === 'polygon').map((a) => (a.geometry as { parts?: unknown[] }).parts?.length ?? 0)).toEqual([0, 1]);
		const [before, after] = [parse(utf8(xml)), parse(cvatCodec.write(exported, { includeImages: false }).files[0].bytes)];
		// The subset is the project's split, chosen on export (docs/formats.md, Splits), not a kept field.
		const imageAttributes = (img: XmlNode) => ({ ...xmlAttributes(img), subset: undefined });
		expect(list(after.image).map(imageAttributes)).toEqual(list(before.image).map(imageAttributes));
		expect(list(after.image).map(shapesOf)).toEqual(list(before.image).map(shapesOf));
		expect(labelsOf(after)).toEqual(labelsOf(before));
	});
});
