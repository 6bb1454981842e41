import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureAptPackages } from './apt-packages.js';
import { cacheDir, runDir } from './cache-dir.js';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What a browser driver (playwright-core, puppeteer-core) needs to launch Chromium headless. */
export interface ChromiumLaunch {
  executablePath: string;
  /** Headless, sandbox off (root in CI), and nothing that phones home. */
  args: string[];
  /**
   * A fresh, empty profile folder: `--user-data-dir` (playwright-core takes it as the first
   * argument of `launchPersistentContext`, not among `args`).
   */
  userDataDir: string;
  /** Removes the profile folder. */
  cleanup(): Promise<void>;
}

/**
 * Debian's Chromium for browser tests, installed with apt-get when missing (never a downloaded
 * browser), and the flags to run it headless on a machine without internet: the background
 * networking, component updates and sync a fresh profile starts would otherwise fail and stall
 * it. Each call gets a fresh profile under `<cache>/run`.
 */
export async function ensureChromium(
  progress: (line: string) => void = () => {},
): Promise<ChromiumLaunch> {
  const root = cacheDir();
  await mkdir(runDir(root), { recursive: true });
  await ensureAptPackages(
    {
      installDir: root,
      cacheDir: root,
      installLogFile: join(root, 'chromium-install.log'),
      progress,
    },
    ['chromium'],
    () => existsSync(CHROMIUM_PATH),
  );
  const profile = await mkdtemp(join(runDir(root), 'chromium-profile-'));
  return {
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    userDataDir: profile,
    cleanup: () => rm(profile, { recursive: true, force: true }),
  };
}
