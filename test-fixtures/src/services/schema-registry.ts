import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaCommand, mavenCommand } from '../java-toolchain.js';
import { runCommand } from '../run-command.js';
import type { ServiceDefinition } from '../service-definition.js';

// The newest Apicurio Registry whose own modules Maven Central serves here whole (2.6.x and
// 3.x lack some: see the README). Its Quarkus version is the one its parent pom builds with.
const APICURIO_VERSION = '2.4.2.Final';
const QUARKUS_VERSION = '2.16.4.Final';
// Apicurio's config-index Quarkus extension: the runtime jar is served, its deployment
// module is not, so the install builds a stand-in from apicurio/DynamicConfigIndexStep.java.
const CONFIG_INDEX_VERSION = '0.1.18.Final';
const COMPILER_PLUGIN = '3.13.0';
const DEPENDENCY_PLUGIN = '3.8.1';

/** Where the Confluent-compatible API lives under the server's root. */
const CCOMPAT_PATH = '/apis/ccompat/v7';

const CONFIG_INDEX_STEP_SOURCE = fileURLToPath(
  new URL('../../apicurio/DynamicConfigIndexStep.java', import.meta.url),
);

/**
 * Apicurio Registry with in-memory (H2) storage, serving Confluent's Schema Registry API under
 * `/apis/ccompat/v7`. Maven Central has its jars but no runnable build, so the install runs the
 * Quarkus build Apicurio's own app module runs (`quarkus-maven-plugin:build`) over them.
 */
export const schemaRegistry: ServiceDefinition = {
  name: 'schema-registry',
  version: APICURIO_VERSION,
  envVar: 'SLUICE_SCHEMA_REGISTRY_URL',
  envExample: `http://127.0.0.1:8081 (Confluent) or http://127.0.0.1:8080${CCOMPAT_PATH} (Apicurio)`,
  source: `io.apicurio:apicurio-registry-app:${APICURIO_VERSION} from Maven Central, built into a runnable jar with quarkus-maven-plugin ${QUARKUS_VERSION} (mvn)`,
  // A Quarkus JVM app: ~10 s on a quiet machine, much more on two busy cores.
  readyTimeoutMs: 120_000,

  async install(ctx) {
    const build = join(ctx.installDir, 'registry');
    const complete = join(ctx.installDir, '.complete');
    if (existsSync(complete)) return;
    const localRepository = join(ctx.cacheDir, 'maven-repository');

    ctx.progress(
      `building a stand-in for apicurio-common-app-components-config-index-deployment:${CONFIG_INDEX_VERSION}`,
    );
    const configIndex = join(ctx.installDir, 'config-index-deployment');
    const sourceDir = join(configIndex, 'src', 'main', 'java', 'dev', 'sluice', 'apicurio');
    const stepsDir = join(configIndex, 'src', 'main', 'resources', 'META-INF');
    await rm(configIndex, { recursive: true, force: true });
    await mkdir(sourceDir, { recursive: true });
    await mkdir(stepsDir, { recursive: true });
    await copyFile(CONFIG_INDEX_STEP_SOURCE, join(sourceDir, 'DynamicConfigIndexStep.java'));
    // What quarkus-extension-processor would generate: the build step classes to load.
    await writeFile(
      join(stepsDir, 'quarkus-build-steps.list'),
      'dev.sluice.apicurio.DynamicConfigIndexStep\n',
    );
    await writeFile(join(configIndex, 'pom.xml'), configIndexDeploymentPom());
    // `install` puts it into the cache's Maven repository, where the Quarkus build looks for it.
    await runMaven(configIndex, ['install'], localRepository, ctx.installLogFile);

    ctx.progress(`building apicurio-registry-app:${APICURIO_VERSION} with quarkus-maven-plugin`);
    await rm(build, { recursive: true, force: true });
    await mkdir(join(build, 'src', 'main', 'resources', 'META-INF'), { recursive: true });
    await writeFile(join(build, 'pom.xml'), registryPom());
    await writeFile(
      join(build, 'src', 'main', 'resources', 'META-INF', 'microprofile-config.properties'),
      BUILD_PROPERTIES,
    );
    await runMaven(build, ['package', '-DskipTests'], localRepository, ctx.installLogFile);
    if (!existsSync(runnerJar(ctx.installDir))) {
      throw new Error(`the Quarkus build left no ${runnerJar(ctx.installDir)}`);
    }
    // The marker goes last so an interrupted install is redone rather than half-used.
    await writeFile(complete, `${new Date().toISOString()}\n`);
  },

  async start(ctx) {
    const port = await ctx.port('main');
    const pid = ctx.spawnDaemon(
      javaCommand(),
      [
        '-Xms64m',
        '-Xmx512m',
        '-XX:+ExitOnOutOfMemoryError',
        // A test registry handles a few requests: C1 alone boots faster on two busy cores.
        '-XX:TieredStopAtLevel=1',
        '-Djava.util.logging.manager=org.jboss.logmanager.LogManager',
        '-Dquarkus.http.host=127.0.0.1',
        `-Dquarkus.http.port=${port}`,
        '-jar',
        runnerJar(ctx.installDir),
      ],
      { cwd: ctx.stateDir },
    );
    return { connection: `http://127.0.0.1:${port}${CCOMPAT_PATH}`, pid };
  },

  async checkReady(connection) {
    const response = await fetch(`${connection.replace(/\/+$/, '')}/subjects`, {
      headers: { Accept: 'application/vnd.schemaregistry.v1+json' },
      signal: AbortSignal.timeout(5_000),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET /subjects answered HTTP ${response.status}: ${body}`);
    if (!Array.isArray(JSON.parse(body))) {
      throw new Error(`GET /subjects answered ${body}, not a list of subjects`);
    }
  },
};

/** The jar the Quarkus build makes (`legacy-jar` packaging, Apicurio's prod setting). */
function runnerJar(installDir: string): string {
  return join(installDir, 'registry', 'target', 'apicurio-registry-runner-0-runner.jar');
}

/**
 * Runs mvn in `dir`. Maven Central sometimes drops a connection: the first failure is retried
 * once with `-U`, which makes Maven ask again for what it recorded as missing.
 */
async function runMaven(
  dir: string,
  goals: readonly string[],
  localRepository: string,
  logFile: string,
): Promise<void> {
  const args = [
    '-B',
    // No download progress: a cold build fetches ~1,000 files and the log would be all that.
    '-ntp',
    '-f',
    join(dir, 'pom.xml'),
    `-Dmaven.repo.local=${localRepository}`,
    '-Dmaven.wagon.http.retryHandler.count=3',
    ...goals,
  ];
  // A cold build takes ~2 min at load 9–12; a run still going after 12 min is stuck on the network.
  const timeoutMs = 12 * 60_000;
  try {
    await runCommand(mavenCommand(), args, { cwd: dir, logFile, timeoutMs });
  } catch {
    await runCommand(mavenCommand(), ['-U', ...args], { cwd: dir, logFile, timeoutMs });
  }
}

/**
 * The stand-in deployment module, under the coordinates the served runtime jar names in its
 * `META-INF/quarkus-extension.properties` (Quarkus finds deployment modules only that way).
 */
function configIndexDeploymentPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by @sluice/test-fixtures: a stand-in for Apicurio's config-index deployment
     module, which Maven Central does not serve. Built from apicurio/DynamicConfigIndexStep.java. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.apicurio</groupId>
  <artifactId>apicurio-common-app-components-config-index-deployment</artifactId>
  <version>${CONFIG_INDEX_VERSION}</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-bom</artifactId><version>${QUARKUS_VERSION}</version><type>pom</type><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-index</artifactId><version>${CONFIG_INDEX_VERSION}</version></dependency>
    <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-definitions</artifactId><version>${CONFIG_INDEX_VERSION}</version></dependency>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-arc-deployment</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>${COMPILER_PLUGIN}</version></plugin>
    </plugins>
  </build>
</project>
`;
}

/**
 * An application whose code is Apicurio's app jar: its versions pinned by Apicurio's parent pom
 * (imported as a BOM), its `application.properties` unpacked as the application's own config
 * (as in Apicurio's build), then `quarkus-maven-plugin:build`.
 */
function registryPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by @sluice/test-fixtures: builds Apicurio Registry ${APICURIO_VERSION} into a runnable jar. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.sluice.test-fixtures</groupId>
  <artifactId>apicurio-registry-runner</artifactId>
  <version>0</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry</artifactId><version>${APICURIO_VERSION}</version><type>pom</type><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>${APICURIO_VERSION}</version>
      <exclusions>
        <!-- Published on JitPack only; the same classes are on Maven Central as com.github.erosb:everit-json-schema. -->
        <exclusion><groupId>com.github.everit-org.json-schema</groupId><artifactId>org.everit.json.schema</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>1.14.2</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>${COMPILER_PLUGIN}</version></plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN}</version>
        <executions>
          <execution>
            <id>unpack-application-properties</id>
            <phase>generate-resources</phase>
            <goals><goal>unpack</goal></goals>
            <configuration>
              <artifactItems>
                <artifactItem>
                  <groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>${APICURIO_VERSION}</version>
                  <includes>application.properties</includes>
                </artifactItem>
              </artifactItems>
              <outputDirectory>\${project.build.outputDirectory}</outputDirectory>
            </configuration>
          </execution>
        </executions>
      </plugin>
      <plugin>
        <groupId>io.quarkus</groupId>
        <artifactId>quarkus-maven-plugin</artifactId>
        <version>${QUARKUS_VERSION}</version>
        <executions><execution><goals><goal>build</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

// Build-time config besides Apicurio's application.properties: its beans live in a dependency
// jar, not in the application's classes, so Quarkus must index that jar.
const BUILD_PROPERTIES = `# Written by @sluice/test-fixtures.
quarkus.index-dependency.apicurio-registry-app.group-id=io.apicurio
quarkus.index-dependency.apicurio-registry-app.artifact-id=apicurio-registry-app
`;
