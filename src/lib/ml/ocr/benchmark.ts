import type { Sessions } from '../family';
import type { RgbaImage } from '../types';
import { readText, type OcrTimings } from './system';

export interface OcrBenchmark {
	/** Median milliseconds of a whole readText call. */
	total: number;
	/** Median milliseconds per stage. */
	stages: OcrTimings;
	/** What the last run read, to show the figures come from real work. */
	texts: string[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Times readText on `image`: one warm-up call, then the median of `runs` calls, whole and per stage. */
export async function readTextBenchmark(sessions: Sessions, dictionary: string[], image: RgbaImage, runs = 5): Promise<OcrBenchmark> {
	await readText(sessions, dictionary, image);
	const totals: number[] = [];
	const stages: Partial<Record<keyof OcrTimings, number[]>> = {};
	let texts: string[] = [];
	for (let i = 0; i < runs; i++) {
		const timings: Partial<OcrTimings> = {};
		const start = performance.now();
		texts = (await readText(sessions, dictionary, image, undefined, timings)).map((r) => r.text);
		totals.push(performance.now() - start);
		for (const [stage, ms] of Object.entries(timings) as [keyof OcrTimings, number][]) (stages[stage] ??= []).push(ms);
	}
	const keys: (keyof OcrTimings)[] = ['detPreprocess', 'detector', 'detPostprocess', 'crop', 'recognition'];
	return {
		total: median(totals),
		stages: Object.fromEntries(keys.map((k) => [k, stages[k] ? median(stages[k]!) : 0])) as unknown as OcrTimings,
		texts
	};
}
