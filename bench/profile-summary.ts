/**
 * Prints where a V8 CPU profile (`node --cpu-prof`, e.g. from `pnpm bench --cpu-prof`) spent
 * its time: the functions with the most self time, and the packages they belong to.
 * Usage: tsx profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `@sluice/runtime`, `kafkajs`, `node:` ... from a script URL. */
function packageOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1] as string;
  const workspace = /\/work\/[^/]+\/(packages|connectors|converters|transforms)\/([^/]+)\//.exec(
    url,
  );
  if (workspace) return `sluice ${workspace[1]}/${workspace[2]}`;
  return url;
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('Usage: tsx profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i] as number;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, micros] of self) {
  const frame = (byId.get(id) as ProfileNode).callFrame;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  const pkg = packageOf(frame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
}
const pct = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\nSelf time by package:');
for (const [pkg, micros] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${pct(micros)}  ${pkg}`);
}
console.log('\nSelf time by function:');
for (const [name, micros] of [...functions]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg ?? 25))) {
  console.log(`${pct(micros)}  ${name}`);
}
