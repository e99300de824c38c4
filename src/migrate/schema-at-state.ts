import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { declareSchema } from '../catalog/declare.ts';
import { withFilesReplayed } from '../catalog/files-state.ts';
import type { Catalog } from '../catalog/object.ts';
import { catalogOfSchemaFile } from '../catalog/states.ts';
import { projectCopy } from '../catalog/files-state.ts';
import { CommandError } from '../errors/user-error.ts';
import { git } from '../project/git.ts';

/**
 * schema.sql for the state a prefix of migrations/ gives (db:revert). Best:
 * the file as the team wrote it, from git: schema.sql in the commit before
 * the one that added the first migration past the state, used only when it
 * gives exactly that state in Postgres' catalogs. Else the schema declared
 * from the state itself (as db:adopt declares a database), which gives the
 * same objects but not the old file's comments, layout or order.
 */
export interface StateSchema {
  text: string;
  /** Where it came from, for the user: `git <commit>^` or `declared`. */
  source: string;
  /** Said when the old file's comments and layout are lost. */
  note?: string;
}

export async function schemaAtState(
  root: string,
  devUrl: string,
  prefix: string[],
  state: Catalog,
  firstAfter: string | undefined,
): Promise<StateSchema> {
  const fromGit = firstAfter ? schemaBefore(root, firstAfter) : undefined;
  if (fromGit && (await givesState(root, devUrl, fromGit.text, state)).length === 0) {
    return {
      text: fromGit.text,
      source: `git: schema.sql as of ${fromGit.commit.slice(0, 12)}^, before migrations/${firstAfter} was added`,
    };
  }
  const declared = await withFilesReplayed(devUrl, root, prefix, (url) => declareSchema(url));
  const text = declared.replace(
    /^-- Declared from an existing database by `npm run db:adopt`.*\n--.*\n/,
    '-- Declared by `npm run db:revert` from the state its migrations give; edit it as usual.\n',
  );
  const differences = await givesState(root, devUrl, text, state);
  if (differences.length > 0) {
    throw new CommandError(
      [
        `db:revert: no schema.sql gives exactly the state to return to (${differences.length} object(s) differ); nothing was written.`,
        ...differences.flatMap((d) => describeDifference(d, ['state', 'declared schema.sql']).map((line) => `  ${line}`)),
      ].join('\n'),
    );
  }
  return {
    text,
    source: 'declared from the state',
    note: fromGit
      ? `note: schema.sql from git (${fromGit.commit.slice(0, 12)}^) does not give that state exactly, so schema.sql was declared from the state: its comments and layout are not the old file's.`
      : 'note: git has no earlier schema.sql for that state, so schema.sql was declared from the state: its comments and layout are not the old file’s.',
  };
}

/** schema.sql in the parent of the commit that added `migrations/<file>`. */
function schemaBefore(root: string, file: string): { text: string; commit: string } | undefined {
  const commit = git(root, 'log', '--diff-filter=A', '--format=%H', '-n', '1', '--', `migrations/${file}`)?.trim();
  if (!commit) return undefined;
  const text = git(root, 'show', `${commit}^:schema.sql`);
  return text === null ? undefined : { text, commit };
}

async function givesState(root: string, devUrl: string, text: string, state: Catalog) {
  const copy = await projectCopy(root, [], text);
  try {
    return compareCatalogs(state, await catalogOfSchemaFile(devUrl, copy.root));
  } catch {
    return [{ kind: 'schema' as const, name: 'schema.sql', left: 'the state', right: 'does not load' }];
  } finally {
    copy.dispose();
  }
}
