import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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
});
