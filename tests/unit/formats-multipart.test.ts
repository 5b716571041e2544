import { describe, expect, it } from 'vitest';
import { cvatCodec } from '$lib/formats/cvat';
import { darwinCodec } from '$lib/formats/darwin';
import { vocCodec } from '$lib/formats/voc';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetAnnotationFields } from '$lib/formats/dataset';
import { utf8, type DatasetFile } from '$lib/formats/files';
import { parseXml } from '$lib/formats/xml';
import { maskBits } from '$lib/shapes/mask/kind';
import type { PolygonGeometry } from '$lib/shapes/polygon/kind';

const IMAGE = { name: 'street.jpg', width: 200, height: 100 };
const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];

/** An object cut in two by an occluder: a left piece with a hole and an island in the hole, a right piece; coordinates with fractions. */
const TWO_PARTS: PolygonGeometry = {
	points: [10.25, 10.5, 90.75, 10.5, 90.75, 90.125, 10.25, 90.125],
	holes: [square(30.5, 30.5, 40)],
	parts: [{ points: [120.5, 20.25, 180.125, 25.5, 150.75, 80.375] }, { points: square(45.25, 45.25, 10) }]
};

const polygon = (className: string, geometry: PolygonGeometry, more: Partial<DatasetAnnotationFields> = {}) =>
	withGeometry({ image: IMAGE.name, className, ...more }, 'polygon', geometry);

function dataset(...annotations: DatasetAnnotation[]): Dataset {
	return { images: [{ ...IMAGE }], classes: [{ name: 'car' }, { name: 'person' }], annotations };
}

const withoutHoles = (g: PolygonGeometry): PolygonGeometry => ({ points: g.points, parts: g.parts!.map((p) => ({ points: p.points })) });
const text = (f: DatasetFile) => new TextDecoder().decode(f.bytes);

describe('CVAT: a multi-part polygon is several <polygon>s of one label sharing a group_id', () => {
	it('writes each part as a polygon with one group_id and reads them back as one annotation, coordinates exact', () => {
		const out = cvatCodec.write(dataset(polygon('car', withoutHoles(TWO_PARTS))), { includeImages: false });
		const polygons = [...text(out.files[0]).matchAll(/<polygon [^>]*group_id="(\d+)"/g)];
		expect(polygons.map((m) => m[1])).toEqual(['1', '1', '1']);
		const back = cvatCodec.read(out.files).dataset;
		expect(back.annotations).toHaveLength(1);
		expect(back.annotations[0].geometry).toEqual(withoutHoles(TWO_PARTS));
	});

	it('its group_id clashes with no instance id on the image; polygons sharing a kept group stay apart', () => {
		const d = dataset(
			polygon('car', { points: square(1, 1, 5) }, { instanceId: 4 }),
			withGeometry({ image: IMAGE.name, className: 'car' }, 'box', { x: 1, y: 1, width: 9, height: 9 }),
			polygon('car', withoutHoles(TWO_PARTS), { instanceId: 4 }),
			polygon('car', { points: square(160, 60, 20) }, { instanceId: 4 }),
			polygon('person', withoutHoles(TWO_PARTS))
		);
		d.annotations[1].instanceId = 4;
		const back = cvatCodec.read(cvatCodec.write(d, { includeImages: false }).files).dataset;
		expect(back.annotations.map((a) => [a.type, a.className, (a.geometry as PolygonGeometry).parts?.length ?? 0, a.instanceId])).toEqual([
			['polygon', 'car', 0, 4],
			['box', 'car', 0, 4],
			['polygon', 'car', 2, 5],
			['polygon', 'car', 0, 6],
			['polygon', 'person', 2, 7]
		]);
		expect(back.annotations[2].geometry).toEqual(withoutHoles(TWO_PARTS));
	});

	it('holes stay as before: written without them, with a warning', () => {
		const out = cvatCodec.write(dataset(polygon('car', TWO_PARTS)), { includeImages: false });
		expect(out.warnings.join('\n')).toMatch(/has holes, which CVAT polygons cannot carry/);
		expect(cvatCodec.read(out.files).dataset.annotations[0].geometry).toEqual(withoutHoles(TWO_PARTS));
	});

	it('reads a file as CVAT writes it, attributes in any order: polygons of one label and group are one object, other shapes and labels stay apart', () => {
		const xml = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels><label><name>car</name><type>polygon</type><attributes></attributes></label></labels></task></meta>
  <image name="street.jpg" id="0" height="100" width="200">
    <polygon z_order="0" points="10.5,10.5;60,10.5;60,50.25" group_id="3" occluded="0" source="manual" label="car">
    </polygon>
    <box ybr="40" xbr="30" ytl="2" xtl="1" group_id="3" label="car" source="manual" occluded="0" z_order="0">
    </box>
    <polygon group_id="3" label="person" source="manual" occluded="0" points="1,1;9,1;9,9" z_order="0">
    </polygon>
    <polygon source="manual" label="car" points="120,20;180,25;150,80" z_order="0" occluded="0" group_id="3">
    </polygon>
    <polygon source="manual" label="car" points="100,80;110,80;110,90" z_order="0" occluded="0">
    </polygon>
  </image>
</annotations>`;
		const { dataset: d } = cvatCodec.read([{ path: 'annotations.xml', bytes: utf8(xml) }]);
		expect(d.annotations.map((a) => [a.type, a.className, a.instanceId])).toEqual([
			['box', 'car', 3],
			['polygon', 'car', 3],
			['polygon', 'person', 3],
			['polygon', 'car', undefined]
		]);
		expect(d.annotations[1].geometry).toEqual({ points: [10.5, 10.5, 60, 10.5, 60, 50.25], parts: [{ points: [120, 20, 180, 25, 150, 80] }] });
	});
});

describe('Darwin: a multi-part polygon is one annotation whose polygon.paths holds every ring', () => {
	it('writes every part and its holes as paths and reads them back by containment, coordinates exact', () => {
		const out = darwinCodec.write(dataset(polygon('car', TWO_PARTS)), { includeImages: false });
		const [annotation] = JSON.parse(text(out.files[0])).annotations;
		expect(annotation.polygon.paths).toHaveLength(4);
		expect(annotation.bounding_box).toEqual({ h: 90.125 - 10.5, w: 180.125 - 10.25, x: 10.25, y: 10.5 });
		const back = darwinCodec.read(out.files).dataset;
		expect(back.annotations).toHaveLength(1);
		expect(back.annotations[0].geometry).toEqual(TWO_PARTS);
	});

	it('reads a file as V7 writes it, keys reordered and a hole listed before its outer ring: the hole goes to the part holding it', () => {
		const xy = (p: number[]) => Array.from({ length: p.length / 2 }, (_, i) => ({ y: p[i * 2 + 1], x: p[i * 2] }));
		const doc = {
			annotations: [
				{
					slot_names: ['0'],
					polygon: { paths: [xy(square(30, 30, 20)), xy(square(120, 10, 50)), xy(square(10, 10, 80))] },
					name: 'car',
					id: '8a3b7f3e-0000-4000-8000-000000000001',
					bounding_box: { y: 10, x: 10, w: 160, h: 80 }
				}
			],
			item: { slots: [{ width: 200, type: 'image', slot_name: '0', height: 100 }], path: '/', name: 'street.jpg' },
			version: '2.0'
		};
		const back = darwinCodec.read([{ path: 'street.json', bytes: utf8(JSON.stringify(doc, null, 1)) }]).dataset;
		expect(back.annotations).toHaveLength(1);
		expect(back.annotations[0].geometry).toEqual({ points: square(120, 10, 50), parts: [{ points: square(10, 10, 80), holes: [square(30, 30, 20)] }] });
	});
	it("reads Darwin 1.0's complex_polygon the same way: disjoint paths are the parts of one annotation", () => {
		const xy = (p: number[]) => Array.from({ length: p.length / 2 }, (_, i) => ({ x: p[i * 2], y: p[i * 2 + 1] }));
		const doc = {
			version: '2.0',
			item: { name: 'street.jpg', path: '/', slots: [{ type: 'image', slot_name: '0', width: 200, height: 100 }] },
			annotations: [{ name: 'car', complex_polygon: { path: [xy(square(10, 10, 30)), xy(square(100, 10, 30)), xy(square(20, 20, 10))] } }]
		};
		const back = darwinCodec.read([{ path: 'street.json', bytes: utf8(JSON.stringify(doc)) }]).dataset;
		expect(back.annotations.map((a) => a.geometry)).toEqual([{ points: square(10, 10, 30), holes: [square(20, 20, 10)], parts: [{ points: square(100, 10, 30) }] }]);
	});
});

describe('Pascal VOC: a multi-part polygon is one <object> with one bndbox over every part', () => {
	it('writes one object whose box covers every part and one instance in SegmentationObject, read back as one annotation', () => {
		const out = vocCodec.write(dataset(polygon('car', TWO_PARTS)), { includeImages: false });
		const xml = out.files.find((f) => f.path === 'Annotations/street.xml')!;
		const root = parseXml(text(xml), 'street.xml', { lists: new Set(['object']), attributes: false }).annotation as { object: { bndbox: Record<string, string> }[] };
		expect(root.object).toHaveLength(1);
		expect(root.object[0].bndbox).toEqual({ xmin: '11', ymin: '12', xmax: '180', ymax: '90' });
		const back = vocCodec.read(out.files).dataset;
		expect(back.annotations).toHaveLength(1);
		const mask = back.annotations[0];
		if (mask.type !== 'mask') throw new Error(`read back as ${mask.type}`);
		const at = (x: number, y: number) => maskBits(mask.geometry)[(y - mask.geometry.y) * mask.geometry.width + x - mask.geometry.x] === 1;
		expect([at(15, 50), at(150, 50), at(50, 50), at(40, 40), at(100, 50)]).toEqual([true, true, true, false, false]); // left, right, island; hole, between
	});
});
