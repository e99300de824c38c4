// Where a bookshelf project keeps its files: the one module that spells the layout out.
// Plain JavaScript, so that the Atlas build (npm's postinstall, before anything is compiled) can use it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this code runs from: the nearest directory above with src/atlas/go.mod (also from a bundle in dist/). */
function findRepoRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'src', 'atlas', 'go.mod'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no src/atlas/go.mod above ${start}`);
  }
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A project's files, relative to its root (a checkout, or a temporary copy of one). */
export const projectFiles = {
  schema: 'schema.sql',
  atlasConfig: 'atlas.hcl',
  migrations: 'migrations',
  sum: path.join('migrations', 'atlas.sum'),
  zapatos: path.join('src', 'db', 'zapatos'),
  apiShapes: path.join('src', 'db', 'zapatos', 'api-shapes.ts'),
  clientTypes: path.join('src', 'client', 'api-types.ts'),
  dotenv: '.env',
};

/** The absolute path of one of a project's files (`projectFiles`), for the project at `root`. */
export function projectPath(root, file) {
  return path.join(root, projectFiles[file]);
}
