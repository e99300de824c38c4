import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffMigration } from '../catalog/diff-migration.ts';
import { catalogOfFiles, projectCopy } from '../catalog/files-state.ts';
import { dataImpact } from '../gate/data-impact.ts';
import { describeVerdict, gateMigrations } from '../gate/gate.ts';
import { migrationFiles } from '../project/migration-files.ts';
import { CommandError } from '../errors/user-error.ts';
import { targetFlags } from '../atlas/flags.ts';
import { redactSecrets } from '../config/redact.ts';
import { schemaAtState } from './schema-at-state.ts';
import { versionOf } from '../project/migration-files.ts';
import { projectFiles } from '../project/paths.mjs';

export interface RevertOptions {
  /** The project: atlas.hcl, schema.sql, migrations/. */
  root: string;
  devUrl: string;
  /** The version to return to: every migration after it is undone. */
  version: string;
  /** A database to count the rows the gate's findings would touch in (the migrate target). */
  targetUrl?: string | undefined;
  log?: (line: string) => void;
}

export interface Reverted {
  /** The new migration's file name. */
  file: string;
  /** The migrations it undoes. */
  undone: string[];
  /** Where the restored schema.sql came from. */
  schemaSource: string;
  /** The migration gate refuses the new file as written (it drops data): apply needs its reviewed opt-out. */
  refused: boolean;
}

/**
 * `npm run db:revert -- <version>`: a NEW, forward migration that undoes
 * the migrations after <version>. The state to return to is what replaying
 * the files up to <version> gives; schema.sql is restored to it
 * (schema-at-state.ts), then the migration is written exactly as db:diff
 * writes any change (Atlas's diff completed from the catalogs, replayed and
 * proven equal to schema.sql). All of it happens in a copy: the project
 * gets the new file, atlas.sum and schema.sql only when it all worked.
 * The gate then judges the file like any other; a revert of an ADD COLUMN
 * is a DROP COLUMN, refused until the file carries its opt-out.
 */
export async function revertMigrations({ root, devUrl, version, targetUrl, log = () => {} }: RevertOptions): Promise<Reverted> {
  const files = migrationFiles(root).map((file) => file.name);
  const at = files.findIndex((file) => versionOf(file) === version);
  if (at === -1) {
    throw new CommandError(`db:revert: no migration has version ${version}. Versions: ${files.map(versionOf).join(', ')}`, 2);
  }
  const kept = files.slice(0, at + 1);
  const undone = files.slice(at + 1);
  if (undone.length === 0) throw new CommandError(`db:revert: ${files[at]} is the newest migration: there is nothing after it to undo.`, 2);
  log(`db:revert: undoing ${undone.join(', ')} (back to the state after ${files[at]})`);

  const state = await catalogOfFiles(devUrl, root, kept);
  const schema = await schemaAtState(root, devUrl, kept, state, undone[0]);
  log(`schema.sql for that state: ${schema.source}`);
  if (schema.note) log(schema.note);

  const copy = await projectCopy(root, files, schema.text);
  let file: string | undefined;
  try {
    file = await diffMigration({
      root: copy.root,
      devUrl,
      name: `revert_to_${version}`,
      atlasFlags: targetFlags({ migrate: devUrl, dev: devUrl }),
      echo: false,
    });
    if (!file) throw new CommandError(`db:revert: the migrations after ${version} leave the schema as it was: there is nothing to undo.`);
    copyFileSync(path.join(copy.root, projectFiles.migrations, file), path.join(root, projectFiles.migrations, file));
    copyFileSync(path.join(copy.root, projectFiles.migrations, 'atlas.sum'), path.join(root, projectFiles.migrations, 'atlas.sum'));
    writeFileSync(path.join(root, projectFiles.schema), schema.text);
  } finally {
    copy.dispose();
  }
  log(`wrote migrations/${file} and schema.sql:`);
  for (const line of readFileSync(path.join(root, projectFiles.migrations, file), 'utf8')
    .trimEnd()
    .split('\n'))
    log(`  ${line}`);

  const verdict = await gateMigrations(root, devUrl, 1);
  for (const line of describeVerdict(verdict)) log(line);
  if (targetUrl && verdict.blockers.length > 0) {
    const rows = await dataImpact(targetUrl, verdict.blockers).catch((error: Error) => [
      `rows: not counted (${redactSecrets(error.message)})`,
    ]);
    for (const line of rows) log(line);
  }
  return { file, undone, schemaSource: schema.source, refused: verdict.blockers.length > 0 };
}
