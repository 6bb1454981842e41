import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` lines of a file, or '' when it does not exist (reads at most 64 KiB). */
export function logTail(file: string, lines = 30): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').replace(/\s+$/, '').split('\n');
    return all.slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
