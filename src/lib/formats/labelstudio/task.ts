import type { Dataset, DatasetImage, JsonValue } from '../dataset';
import { isRecord } from '../dataset-builder';
import { assignIds, ownFields } from '../ids';
import { CONTROLS, DEFAULT_TO_NAME, ENTRY_DEFAULTS, TASK_DEFAULTS, type ResultType } from './controls';
import { dataOf, readEntryIndex } from './kept';

/** The controls the written regions use, by name: their type, the Image they label, and their labels. */
export type Controls = Map<string, { type: ResultType; toName: string; labels: Set<string> }>;

/** The annotation entries kept with a task (the one Peerlabel read is the first not cancelled). */
function entriesOf(img: DatasetImage): JsonValue[] {
	const entries = ownFields('labelstudio', img.imported).annotations;
	return Array.isArray(entries) ? entries : [];
}

function entryOf(img: DatasetImage): Record<string, unknown> {
	const entries = entriesOf(img);
	return (entries[readEntryIndex(entries)] as Record<string, unknown> | undefined) ?? {};
}

const entryRef = (e: unknown) => ({ format: 'labelstudio', id: isRecord(e) ? (e.id as number | string | undefined) : undefined });

/** Each task's entry id: its own, else the next free one; the ids of the other entries kept are reserved too. */
export function entryIdsOf(images: readonly DatasetImage[]): (number | string)[] {
	const others = images.flatMap((img) => entriesOf(img).filter((_, k, all) => k !== readEntryIndex(all)).map(entryRef));
	return assignIds('labelstudio', [...images.map((img) => entryRef(entryOf(img))), ...others]).slice(0, images.length);
}

/**
 * One task: its kept fields, its data, and its entries with the one Peerlabel writes (these regions and
 * the kept relations whose two regions are among them) in the place of the one read.
 */
export function taskOf(img: DatasetImage, id: number | string, entryId: number | string, result: Record<string, unknown>[]): { task: Record<string, unknown>; relationsLeft: number; imageKey: string } {
	const { data: keptData, annotations: _entries, ...rest } = ownFields('labelstudio', img.imported);
	const { data, imageKey } = dataOf(img.name, keptData);
	const own = entryOf(img);
	const relations = (Array.isArray(own.result) ? own.result : []).filter((r) => isRecord(r) && r.type === 'relation') as Record<string, unknown>[];
	const written = new Set(relations.length ? result.map((r) => r.id) : []);
	const linking = relations.filter((r) => written.has(r.from_id) && written.has(r.to_id));
	const entry = Object.assign({ id: entryId, result: [], ...ENTRY_DEFAULTS }, own, { id: entryId, result: [...result, ...linking] });
	const entries = entriesOf(img);
	const at = readEntryIndex(entries);
	const annotations = at >= 0 ? entries.map((e, k) => (k === at ? entry : e)) : [entry, ...entries];
	return { task: Object.assign({ id }, TASK_DEFAULTS, rest, { id, data, annotations }), relationsLeft: relations.length - linking.length, imageKey };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** label_config.xml for what was written: an Image per to_name, a control per from_name, a per-region TextArea. */
export function labelConfig(controls: Controls, toNames: ReadonlySet<string>, imageKey: string, d: Dataset): string {
	const tags = [...controls].map(([name, { type, toName, labels }]) => {
		const c = CONTROLS[type];
		const inner = [...labels].map((n) => {
			const color = d.classes.find((k) => k.name === n)?.color;
			return type === 'choices' ? `    <Choice value="${esc(n)}"/>` : `    <Label value="${esc(n)}"${color ? ` background="${color}"` : ''}/>`;
		});
		return `  <${c.tag} name="${esc(name)}" toName="${esc(toName)}"${type === 'choices' ? ` choice="${d.tagMode === 'single' ? 'single' : 'multiple'}"` : ''}>\n${inner.join('\n')}\n  </${c.tag}>`;
	});
	const names = toNames.size ? [...toNames] : [DEFAULT_TO_NAME];
	const images = names.map((n) => `  <Image name="${esc(n)}" value="$${esc(imageKey)}"/>`);
	return `<View>\n${images.join('\n')}\n${tags.join('\n')}\n  <TextArea name="text" toName="${esc(names[0])}" perRegion="true"/>\n</View>\n`;
}
