import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the root README', () => {
  it('says how to install the pnpm version the repository pins, as .ci/run does', async () => {
    const { packageManager } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      packageManager: string;
    };
    expect(packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('[pnpm](#getting-pnpm)');
    expect(readme).toContain('## Getting pnpm');
    expect(readme).toContain(`npm install -g ${packageManager}\n`);
    // The CI script installs the same way, from the same pin.
    const ci = await readFile(join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain(
      'npm install -g "$(node -p "require(\'./package.json\').packageManager")"',
    );
  });
});
