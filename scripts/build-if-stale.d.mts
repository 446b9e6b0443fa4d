/** Builds the Next.js dashboard when there is no build yet or a source is newer than it. */
export function buildIfStale(root: string): void;
