import { CommandError } from '../errors/user-error.ts';
import { redactSecrets } from '../config/redact.ts';
import { withClient } from '../postgres/client.ts';
import { revisionsSchema } from '../project/revisions-schema.ts';

/**
 * One row of Atlas's revisions table: what a target database has applied.
 * Atlas v0.13.1 writes a row per migration file it ran (or that `migrate set`
 * / `--baseline` marked); a file that failed half way keeps its row with
 * `applied < total` and the error.
 */
export interface Revision {
  version: string;
  description: string;
  /** Atlas's bit set: 1 baseline, 2 applied (executed), 4 resolved (`migrate set`). */
  type: number;
  /** Statements of the file that ran. */
  applied: number;
  /** Statements in the file. */
  total: number;
  /** The error of the last attempt ('' if none). */
  error: string;
  /** The statement that failed ('' if none). */
  errorStatement: string;
}

const baselineBit = 1;

/** A baseline revision stands for every file up to its version (`atlas migrate apply --baseline`, db:adopt). */
export const isBaseline = (revision: Revision): boolean => (revision.type & baselineBit) !== 0;

/** The revision of a file that stopped part way (its error is recorded, or not all statements ran). */
export const isPartial = (revision: Revision): boolean => revision.error !== '' || revision.applied < revision.total;

/** The role cannot read the revisions table: which migrations the database has is unknown (not "none"). */
class RevisionsUnreadable extends CommandError {
  constructor(schema: string, role: string, reason: string) {
    const table = `${quoteIdent(schema)}.atlas_schema_revisions`;
    super(
      `cannot read Atlas's revisions table ${table} as role "${role}": ${reason}. ` +
        'Which migrations this database has applied is unknown (not "none applied"), so nothing was compared or applied. ' +
        `Grant the role access (as the owner: GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}; ` +
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${quoteIdent(role)};) ` +
        "or run the migration commands with the owner's URL (DIRECT_DATABASE_URL, or DATABASE_URL for db:*).",
      2,
    );
  }
}

/**
 * The revisions of the database at `url`, oldest version first; [] when Atlas
 * never ran there (no revisions table). A role that may not read the table
 * is an error (RevisionsUnreadable), never an empty list: Atlas itself reads
 * that case as "no migration applied yet" and would replay everything.
 */
export async function readRevisions(url: string, projectRoot: string): Promise<Revision[]> {
  const schema = revisionsSchema(projectRoot);
  return readFrom(url, schema).catch((error: unknown) => {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`cannot read which migrations ${redactSecrets(url)} has applied: ${redactSecrets((error as Error).message)}`);
  });
}

async function readFrom(url: string, schema: string): Promise<Revision[]> {
  return withClient(url, async (client) => {
    try {
      const { rows } = await client.query<{
        version: string;
        description: string;
        type: string;
        applied: string;
        total: string;
        error: string | null;
        error_stmt: string | null;
      }>(
        `SELECT version, description, type, applied, total, error, error_stmt FROM ${quoteIdent(schema)}.atlas_schema_revisions WHERE version NOT LIKE '.%' ORDER BY version`,
      );
      return rows.map((row) => ({
        version: row.version,
        description: row.description,
        type: Number(row.type),
        applied: Number(row.applied),
        total: Number(row.total),
        error: row.error ?? '',
        errorStatement: row.error_stmt ?? '',
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42P01' || code === '3F000') return []; // no table (or schema): Atlas never ran here
      if (code === '42501') {
        const { rows } = await client.query<{ role: string }>('SELECT current_user AS role');
        throw new RevisionsUnreadable(schema, rows[0]?.role ?? '?', (error as Error).message);
      }
      throw error;
    }
  });
}

const quoteIdent = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
