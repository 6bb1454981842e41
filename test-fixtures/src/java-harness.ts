import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative } from 'node:path';
import { cacheDir } from './cache-dir.js';
import { withFileLock } from './file-lock.js';
import { javaCommand } from './java-toolchain.js';
import { copyMavenDependencies } from './maven-dependencies.js';
import { runCommand } from './run-command.js';

/** What a Java harness is built from. */
export interface JavaHarnessSpec {
  /** A short name for the cache folder and logs, e.g. `kafka-json-converter`. */
  readonly name: string;
  /** Maven coordinates `group:artifact:version`, resolved with their runtime dependencies. */
  readonly artifacts: readonly string[];
  /** `group:artifact` of transitive dependencies to leave out (see MavenDependenciesSpec). */
  readonly exclusions?: readonly string[];
  /**
   * Folders holding the harness's `.java` sources (each searched recursively), e.g. the
   * test's own `java` folder and `CONNECT_VALUES_JAVA_DIR`.
   */
  readonly sourceDirs: readonly string[];
  /** Fully qualified class with the `main` method. */
  readonly mainClass: string;
  /** Extra JVM options when running, e.g. `['-Xmx256m']`. */
  readonly jvmOptions?: readonly string[];
}

/** A compiled harness: where its classes and jars are, ready to run. */
export interface JavaHarness {
  readonly spec: JavaHarnessSpec;
  /** The build folder (`<cache>/java-harness/<name>-<hash>`). */
  readonly dir: string;
  /** The `-cp` value: compiled classes, then every resolved jar. */
  readonly classpath: string;
  /** Build log (Maven and javac output). */
  readonly logFile: string;
}

const READY_STAMP = 'ready';

/**
 * Resolves the artifacts from Maven Central, compiles the sources against them and
 * returns a runnable classpath. The build folder is keyed by a hash of the artifacts
 * and the sources, so a second run (or a parallel one: a file lock guards the build)
 * builds nothing.
 */
export async function buildJavaHarness(
  spec: JavaHarnessSpec,
  root: string = cacheDir(),
): Promise<JavaHarness> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([spec.artifacts, spec.mainClass, ...(spec.exclusions ?? [])]));
  const sources: string[] = [];
  for (const sourceDir of spec.sourceDirs) {
    for (const file of await listJavaSources(sourceDir)) {
      hash.update(relative(sourceDir, file));
      hash.update(await readFile(file));
      sources.push(file);
    }
  }
  if (sources.length === 0) {
    throw new Error(`no .java files under ${spec.sourceDirs.join(', ') || '(no folder)'}`);
  }
  const key = hash.digest('hex').slice(0, 16);
  const base = join(root, 'java-harness');
  const dir = join(base, `${spec.name}-${key}`);
  const harness: JavaHarness = {
    spec,
    dir,
    classpath: [join(dir, 'classes'), join(dir, 'lib', '*')].join(delimiter),
    logFile: join(dir, 'build.log'),
  };
  if (existsSync(join(dir, READY_STAMP))) return harness;

  await mkdir(base, { recursive: true });
  await withFileLock(join(base, `${spec.name}-${key}.lock`), async () => {
    if (existsSync(join(dir, READY_STAMP))) return;
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'classes'), { recursive: true });
    await copyMavenDependencies({
      name: spec.name,
      artifacts: spec.artifacts,
      ...(spec.exclusions === undefined ? {} : { exclusions: spec.exclusions }),
      dir,
      outputDir: join(dir, 'lib'),
      logFile: harness.logFile,
      timeoutMs: 10 * 60_000,
    });
    await runCommand(
      javacCommand(),
      [
        '-encoding',
        'UTF-8',
        '-nowarn',
        '-d',
        join(dir, 'classes'),
        '-cp',
        join(dir, 'lib', '*'),
        ...sources,
      ],
      { logFile: harness.logFile, cwd: dir, timeoutMs: 5 * 60_000 },
    );
    await writeFile(join(dir, READY_STAMP), `${new Date().toISOString()}\n`);
  });
  return harness;
}

/**
 * Runs the harness once: writes each request as one JSON line to its stdin, closes
 * stdin, and returns one parsed JSON value per stdout line, in order. The harness must
 * answer every request line with exactly one line. Rejects with the harness's stderr
 * if it exits non-zero or answers a different number of lines.
 */
export async function runJavaHarness(
  harness: JavaHarness,
  requests: readonly unknown[],
): Promise<unknown[]> {
  const args = [
    ...(harness.spec.jvmOptions ?? []),
    '-cp',
    harness.classpath,
    harness.spec.mainClass,
  ];
  const child = spawn(javaCommand(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exit = new Promise<number | null>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolvePromise(code));
  });
  child.stdin.on('error', () => undefined); // an early exit is reported through `exit`
  child.stdin.end(requests.map((request) => `${JSON.stringify(request)}\n`).join(''));
  const code = await exit;
  const stderr = Buffer.concat(err).toString('utf8');
  if (code !== 0) {
    throw new Error(`java ${harness.spec.mainClass} exited with ${code}:\n${stderr}`);
  }
  const lines = Buffer.concat(out)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (lines.length !== requests.length) {
    throw new Error(
      `java ${harness.spec.mainClass} answered ${lines.length} lines to ${requests.length} requests:\n${stderr}`,
    );
  }
  return lines.map((line) => JSON.parse(line) as unknown);
}

/** `javac` next to the `java` that runs the harness (JAVA_HOME first). */
function javacCommand(): string {
  const java = javaCommand();
  return java === 'java' ? 'javac' : join(dirname(java), 'javac');
}

async function listJavaSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
