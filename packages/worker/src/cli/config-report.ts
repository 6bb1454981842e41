import type { ConfigProblem } from '@sluice/api';
import { type ConfigFile, loadConfigFile } from '@sluice/runtime';

/** A problem found in one config file, for the report printed before anything starts. */
export interface FileProblem extends ConfigProblem {
  file: string;
  /** The connector the file configures, when known. */
  connector?: string;
  /** Where the key was written (`.properties` files). */
  line?: number;
}

/** Reads every config file; files that cannot be read (or parsed) become problems. */
export async function readConfigFiles(
  paths: readonly string[],
): Promise<{ files: ConfigFile[]; problems: FileProblem[] }> {
  const files: ConfigFile[] = [];
  const problems: FileProblem[] = [];
  for (const path of paths) {
    try {
      files.push(await loadConfigFile(path));
    } catch (error) {
      problems.push({
        file: path,
        key: '',
        message: `cannot be read: ${(error as Error).message}`,
      });
    }
  }
  return { files, problems };
}

/**
 * The problems of one file: its lines that hold only a key, then `found` (by the worker or
 * connector checks), each placed on the line of its key. A key whose line holds only the key is
 * reported for that line only: its other problems (missing, invalid empty value) follow from it.
 */
export function fileProblems(
  file: ConfigFile,
  found: readonly ConfigProblem[],
  connector?: string,
): FileProblem[] {
  const keyOnly = new Set(file.problems.map((p) => p.key));
  return [...file.problems, ...found.filter((p) => !keyOnly.has(p.key))].map((p) => {
    const line = file.lines.get(p.key);
    return {
      ...p,
      file: file.path,
      ...(connector ? { connector } : {}),
      ...(line === undefined ? {} : { line }),
    };
  });
}

/**
 * The report of every problem, one line each: `file:line (connector name): key: message`, in file
 * order and line order. Problems a file shares for several keys (`topics` and `topics.regex`
 * both unset) are one line naming the keys; a key the message already names is not repeated.
 */
export function formatConfigReport(problems: readonly FileProblem[]): string {
  const lines = new Map<string, { p: FileProblem; keys: string[]; order: number }>();
  for (const [order, p] of problems.entries()) {
    const id = `${p.file}\u0000${p.connector ?? ''}\u0000${p.message}`;
    const same = lines.get(id);
    if (same) {
      if (p.key && !same.keys.includes(p.key)) same.keys.push(p.key);
      if (p.line !== undefined && (same.p.line === undefined || p.line < same.p.line))
        same.p = { ...same.p, line: p.line };
    } else lines.set(id, { p, keys: p.key ? [p.key] : [], order });
  }
  const files = [...new Set(problems.map((p) => p.file))];
  const sorted = [...lines.values()].sort(
    (a, b) =>
      files.indexOf(a.p.file) - files.indexOf(b.p.file) ||
      (a.p.line ?? Number.MAX_SAFE_INTEGER) - (b.p.line ?? Number.MAX_SAFE_INTEGER) ||
      a.order - b.order,
  );
  const count = sorted.length;
  const out = [
    `The configuration has ${count} problem${count === 1 ? '' : 's'}; nothing was started:`,
  ];
  for (const { p, keys } of sorted) {
    const where = `${p.file}${p.line === undefined ? '' : `:${p.line}`}${p.connector ? ` (connector ${p.connector})` : ''}`;
    const unnamed = keys.filter((k) => !p.message.includes(k));
    out.push(`  ${where}: ${unnamed.length > 0 ? `${unnamed.join(', ')}: ` : ''}${p.message}`);
  }
  return out.join('\n');
}
