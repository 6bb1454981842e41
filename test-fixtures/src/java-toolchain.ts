import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The `java` to run: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME;
  if (home !== undefined && home !== '') {
    const java = join(home, 'bin', 'java');
    if (existsSync(java)) return java;
  }
  return 'java';
}

/** The `mvn` to run: `$MAVEN_HOME/bin/mvn` when set, else `mvn` from PATH. */
export function mavenCommand(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.MAVEN_HOME;
  if (home !== undefined && home !== '') {
    const mvn = join(home, 'bin', 'mvn');
    if (existsSync(mvn)) return mvn;
  }
  return 'mvn';
}
