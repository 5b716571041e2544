const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
	['second', 60],
	['minute', 60],
	['hour', 24],
	['day', 7],
	['week', 4.35],
	['month', 12],
	['year', Infinity]
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago" */
export function timeAgo(at: number, now = Date.now()): string {
	let value = (at - now) / 1000;
	if (Math.abs(value) < 45) return 'just now';
	for (const [unit, size] of STEPS) {
		if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
		value /= size;
	}
	return relative.format(Math.round(value), 'year');
}

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
