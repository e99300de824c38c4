import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectFiles } from './paths.mjs';

/**
 * Runs `work`, and if it fails, puts the project's generated folders back
 * byte for byte as they were before (files it added removed, files it
 * changed or removed restored), then rethrows. A failing `db:diff` must leave
 * the project as it found it (issue 19, D15): before, a migration and a
 * changed atlas.sum stayed behind when a later step (the types) failed, and
 * every later command tripped over them.
 *
 * `folders`: relative to `root`; default migrations/ (with atlas.sum) and src/db/zapatos/.
 */
export const generatedFolders = ['migrations', projectFiles.zapatos];

export async function restoringOnFailure<T>(root: string, work: () => Promise<T>, folders = generatedFolders): Promise<T> {
  const saved = new Map(folders.map((folder) => [folder, snapshot(path.join(root, folder))]));
  try {
    return await work();
  } catch (error) {
    for (const [folder, files] of saved) restore(path.join(root, folder), files);
    if (error instanceof Error) error.message += `\n(${folders.map((folder) => `${folder}/`).join(' and ')} left as they were)`;
    throw error;
  }
}

/** Every file under `dir` (relative path → content); empty when `dir` does not exist. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative))) {
      const file = path.join(relative, entry);
      if (statSync(path.join(dir, file)).isDirectory()) walk(file);
      else files.set(file, readFileSync(path.join(dir, file)));
    }
  };
  walk('');
  return files;
}

function restore(dir: string, files: Map<string, Buffer>): void {
  for (const file of snapshot(dir).keys()) if (!files.has(file)) rmSync(path.join(dir, file), { force: true });
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    if (existsSync(target) && readFileSync(target).equals(content)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}
