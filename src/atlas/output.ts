import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lineAt } from '../project/sql-statements.ts';
import { fileOfVersion } from '../project/migration-files.ts';

/**
 * What Atlas prints, made to say what this project's user should do.
 *
 * - Atlas answers an edited migration with "run 'atlas migrate hash'"; in a
 *   project whose migrations reach real databases that hides the edit from
 *   every database that applied the old file. The block is dropped and the
 *   project's own advice given instead.
 * - A statement that fails while Atlas loads schema.sql or replays a
 *   migration is named by file and line, not as "from version "schema"".
 * - Community builds of Atlas v1.x append a multi-line installation notice
 *   to their errors; it is not the error.
 */

const checksumBlock = {
  first: 'You have a checksum error in your migration directory.',
  last: 'to re-hash the contents and resolve the error',
};

/** Drops Atlas's "run 'atlas migrate hash'" block from stdout, line by line. */
export class AtlasStdoutFilter {
  private inBlock = false;
  private pending = '';

  /** Feed a chunk; returns the text to show now (whole lines only). */
  push(chunk: string): string {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    return lines
      .map((line) => this.keep(line))
      .filter((line) => line !== null)
      .map((line) => `${line}\n`)
      .join('');
  }

  /** What is left at the end. */
  end(): string {
    const last = this.pending && this.keep(this.pending);
    this.pending = '';
    return last || '';
  }

  private keep(line: string): string | null {
    if (line.trim() === checksumBlock.first) this.inBlock = true;
    if (!this.inBlock) return line;
    if (line.trim() === checksumBlock.last) this.inBlock = false;
    return null;
  }
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC (\x1b), a control character
const noticeStart = /^(?:\x1b\[[0-9;]*m)*(?:Notice: This Atlas edition|To install the non-community version of Atlas)/m;

/** Atlas's output without a trailing community-edition notice (and its colour codes). */
export function withoutUpgradeNotice(text: string): string {
  const match = noticeStart.exec(text);
  // eslint-disable-next-line no-control-regex -- as above: the colour codes Atlas prints
  return (match ? text.slice(0, match.index) : text).replace(/\x1b\[[0-9;]*m/g, '');
}

/** The project's words for a failure Atlas reported on stderr, or null when Atlas's own are right. */
export function explainAtlasFailure(stderr: string, projectRoot: string): string | null {
  if (/checksum mismatch/.test(stderr)) return checksumAdvice;
  const failed = /executing statement (".*?(?<!\\)") from version "([^"]+)": (?:pq: )?(.*)/s.exec(stderr);
  if (!failed) return null;
  const error = failed[3]!.trim().split('\n')[0]!;
  return statementFailure(JSON.parse(failed[1]!) as string, failed[2]!, error, projectRoot) + extensionAdvice(error);
}

/**
 * Under an extension the server lacks (PostGIS on the embedded Postgres, which ships contrib only): where to get it.
 * The full list of what a server has is in db:diff's and db:check's own message (EXTENSION_UNAVAILABLE, docs/errors.md).
 */
function extensionAdvice(error: string): string {
  const name = /extension "([^"]+)" is not available|could not open extension control file "[^"]*\/([^/"]+)\.control"/.exec(error);
  if (!name) return '';
  const extension = name[1] ?? name[2]!;
  return (
    `\nThat Postgres does not have the extension "${extension}" (SELECT name FROM pg_available_extensions lists what it has;` +
    ` the embedded one ships the contrib extensions only). Neon offers PostGIS and many others` +
    ` (https://neon.com/docs/extensions/pg-extensions); for db:diff and db:check, point ATLAS_DEV_URL at an empty` +
    ` database on a Postgres that has it; the target database needs it too.`
  );
}

const checksumAdvice = [
  'migrations/atlas.sum does not match the files in migrations/: a migration was edited, added, renamed or deleted by hand',
  '(`git status migrations/` shows which).',
  '- A migration that any database has applied must never change: restore it (`git checkout -- migrations/`) and make the',
  '  change a new migration (edit schema.sql, then `npm run db:diff -- <name>`).',
  '- Only a new migration that no database has applied yet (e.g. one you just gave an `-- atlas:nolint` line) may be',
  '  re-hashed: `npx atlas migrate hash --env local`.',
  'Re-hashing an applied migration, as Atlas suggests, would hide the edit from every database that already ran it.',
].join('\n');

/** "schema.sql:12: syntax error at or near "TABEL"" with the statement, or the migration file's name and line. */
function statementFailure(statement: string, version: string, error: string, projectRoot: string): string {
  const file = version === 'schema' ? 'schema.sql' : migrationFile(projectRoot, version);
  const text = file && existsSync(path.join(projectRoot, file)) ? readFileSync(path.join(projectRoot, file), 'utf8') : '';
  const at = text.indexOf(statement);
  if (!file || at < 0) return `${file ?? `migration ${version}`}: ${error}\n    ${statement}`;
  const near = /at or near "([^"]*)"/.exec(error)?.[1];
  const offset = near ? Math.max(0, statement.indexOf(near)) : 0;
  const line = lineAt(text, at + offset);
  const shown = text.split('\n')[line - 1]!.trim();
  const fix = version === 'schema' ? 'fix schema.sql and run the command again' : 'this migration does not replay: see `npm run db:check`';
  return `${file}:${line}: ${error}\n    ${shown}\n(${fix})`;
}

function migrationFile(projectRoot: string, version: string): string | null {
  const name = fileOfVersion(projectRoot, version);
  return name ? `migrations/${name}` : null;
}
