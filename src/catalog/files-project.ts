import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atlas, failureLine } from '../atlas/run.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * Runs `use` on a temporary project (atlas.hcl and a migrations/ holding only
 * the named files of `root`, re-hashed), removed afterwards: how a state
 * "after these files" is built when a target has run some files and not
 * others, or stopped before the end.
 */
export async function withProjectOfFiles<T>(root: string, fileNames: string[], use: (projectRoot: string) => Promise<T>): Promise<T> {
  const project = mkdtempSync(path.join(tmpdir(), 'bookshelf-files-'));
  try {
    const dir = path.join(project, projectFiles.migrations);
    mkdirSync(dir);
    copyFileSync(path.join(root, 'atlas.hcl'), path.join(project, 'atlas.hcl'));
    for (const name of fileNames) copyFileSync(path.join(root, projectFiles.migrations, name), path.join(dir, name));
    const hash = await atlas(['migrate', 'hash', '--dir', `file://${dir}`], {
      echo: false,
    });
    if (hash.code !== 0) throw new Error(`atlas migrate hash failed: ${failureLine(hash)}`);
    return await use(project);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
