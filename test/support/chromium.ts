import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless chromium (`executablePath`: see optional-program.ts, which finds
 * it) driven by playwright-core, with a throwaway profile.
 * `wrap` runs it under another command (e.g. `ip netns exec NAME`): the
 * browser is then started by a small script that execs that command.
 */
export async function launchChromium({
  executablePath: chromiumPath,
  wrap = [] as string[],
}: {
  executablePath: string;
  wrap?: string[];
}): Promise<Chromium> {
  const profile = mkdtempSync(path.join(tmpdir(), 'bookshelf-chromium-'));
  let executablePath = chromiumPath;
  if (wrap.length > 0) {
    executablePath = path.join(profile, 'chromium-wrapped');
    const quoted = [...wrap, chromiumPath].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
    writeFileSync(executablePath, `#!/bin/sh\nexec ${quoted} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  try {
    const context = await chromium.launchPersistentContext(path.join(profile, 'profile'), {
      executablePath,
      headless: true,
      viewport: { width: 1280, height: 2000 },
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
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
