import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigTransformer, createConfigProviders } from '../src/config/config-providers.js';

describe('config providers', () => {
  it('resolves ${file:...}, ${env:...} and ${directory:...} as configured in Kafka', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'providers-'));
    const props = join(dir, 'secrets.properties');
    await writeFile(props, 'db.password=s3cret\nuser=alice\n');
    const secrets = join(dir, 'k8s');
    await mkdir(secrets);
    await writeFile(join(secrets, 'token'), 'tok-123');
    process.env.SLUICE_TEST_SECRET = 'from-env';
    process.env.SLUICE_OTHER = 'hidden';
    const providers = await createConfigProviders({
      'config.providers': 'file,env,directory',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.env.param.allowlist.pattern': 'SLUICE_TEST_.*',
      'config.providers.directory.class': 'DirectoryConfigProvider',
    });
    const t = new ConfigTransformer(providers);
    const config = {
      password: `\${file:${props}:db.password}`,
      url: `jdbc://\${file:${props}:user}@host`,
      env: '${env:SLUICE_TEST_SECRET}',
      blocked: '${env:SLUICE_OTHER}',
      token: `\${directory:${secrets}:token}`,
      plain: 'x',
      unknown: '${vault:a:b}',
    };
    expect(t.hasReferences(config)).toBe(true);
    expect(await t.transform(config)).toEqual({
      password: 's3cret',
      url: 'jdbc://alice@host',
      env: 'from-env',
      blocked: '${env:SLUICE_OTHER}',
      token: 'tok-123',
      plain: 'x',
      unknown: '${vault:a:b}',
    });
  });

  it('refuses an unknown provider class naming the key', async () => {
    await expect(
      createConfigProviders({
        'config.providers': 'x',
        'config.providers.x.class': 'com.example.Nope',
      }),
    ).rejects.toThrow(/config.providers.x.class/);
  });

  it('honours allowed.paths (KIP-993): outside paths, .. keys and links leading out are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'providers-allowed-'));
    const allowed = join(dir, 'allowed');
    const outside = join(dir, 'outside');
    await mkdir(join(allowed, 'k8s'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(allowed, 'ok.properties'), 'password=fine\n');
    await writeFile(join(allowed, 'k8s', 'token'), 'tok');
    await writeFile(join(outside, 'secret.properties'), 'password=stolen\n');
    await writeFile(join(outside, 'token'), 'stolen');
    await symlink(join(outside, 'secret.properties'), join(allowed, 'link.properties'));
    const providers = await createConfigProviders({
      'config.providers': 'file,dir',
      'config.providers.file.class': 'FileConfigProvider',
      'config.providers.file.param.allowed.paths': allowed,
      'config.providers.dir.class': 'DirectoryConfigProvider',
      'config.providers.dir.param.allowed.paths': allowed,
    });
    const t = new ConfigTransformer(providers);
    expect(await t.transform({ a: `\${file:${allowed}/ok.properties:password}` })).toEqual({
      a: 'fine',
    });
    expect(await t.transform({ a: `\${dir:${allowed}/k8s:token}` })).toEqual({ a: 'tok' });
    for (const reference of [
      `\${file:${outside}/secret.properties:password}`,
      `\${file:${allowed}/../outside/secret.properties:password}`,
      `\${file:${allowed}/link.properties:password}`,
      `\${dir:${outside}:token}`,
    ]) {
      await expect(t.transform({ a: reference })).rejects.toThrow(
        /is not allowed to be accessed \(allowed.paths\)/,
      );
    }
    // A key is a file of the directory, never a path leading out of it.
    expect(await t.transform({ a: `\${dir:${allowed}/k8s:../../outside/token}` })).toEqual({
      a: `\${dir:${allowed}/k8s:../../outside/token}`,
    });
    for (const bad of ['relative/path', join(dir, 'missing')]) {
      await expect(
        createConfigProviders({
          'config.providers': 'file',
          'config.providers.file.class': 'FileConfigProvider',
          'config.providers.file.param.allowed.paths': bad,
        }),
      ).rejects.toThrow(/The path should be absolute and exist/);
    }
  });
});
