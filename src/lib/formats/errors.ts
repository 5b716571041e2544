/**
 * A problem with an input file, said so a user can find it: which file, where in it (a JSON path such as
 * 'annotations[12].bbox', a line 'line 4', an XML element), and what is wrong.
 */
export class FormatError extends Error {
	constructor(
		readonly file: string,
		readonly place: string,
		readonly problem: string
	) {
		super(`${file}${place ? ` (${place})` : ''}: ${problem}`);
		this.name = 'FormatError';
	}
}

export function isFormatError(e: unknown): e is FormatError {
	return e instanceof FormatError;
}
