import type { Finding } from '../../gate/finding.ts';

/**
 * What `db:check --report/--json` tells a reviewer, as data: the JSON file
 * is this object, the Markdown file is rendered from it (markdown.ts).
 * Every section says whether it ran and, when not, why: an absent section
 * never reads as "nothing to worry about".
 */
export interface ReviewReport {
  /** ISO time the report was made. */
  generatedAt: string;
  /** The git ref new migrations (and the API) were compared with, or null outside git. */
  base: string | null;
  /** How the new migrations were chosen (e.g. "2 file(s) new since origin/main"). */
  scope: string;
  /** The target the rows were counted in (secrets redacted), or null without one. */
  target: string | null;
  migrations: MigrationReport[];
  /** The new migrations applied on a copy of the target. */
  rehearsal: Section<Rehearsal>;
  api: Section<ApiChange>;
  /** db:check's own verdict, one line per check. */
  checks: { name: string; status: 'pass' | 'fail' | 'skip'; reason: string }[];
}

/** A part of the report that ran, or did not and says why. */
export type Section<T> = ({ status: 'done' } & T) | { status: 'skipped' | 'failed'; reason: string };

export interface MigrationReport {
  file: string;
  sql: string;
  findings: FindingReport[];
}

export interface FindingReport extends Omit<Finding, 'subject'> {
  /** What the finding touches in the target: rows it would change or lose, the size of the table it locks or rewrites. */
  rows: string[];
}

export interface Rehearsal {
  /** Where it ran: a temporary copy made with CREATE DATABASE … TEMPLATE, or a copy given with --rehearse-on. */
  on: string;
  /** Files the copy had not applied, oldest first: the new ones and any older pending ones before them. */
  files: RehearsedFile[];
  /** Whether every statement ran. */
  succeeded: boolean;
  totalMs: number;
}

export interface RehearsedFile {
  file: string;
  /** Part of this change (in scope), or an older file still pending on the target, applied first. */
  new: boolean;
  /** Run in one transaction (Atlas's default), or statement by statement (`-- atlas:txmode none`). */
  transaction: boolean;
  statements: RehearsedStatement[];
  /** Statements after a failure that did not run. */
  notRun: number;
  /** In a transaction: every lock the file's statements took, held until its COMMIT (strongest per relation). */
  heldUntilCommit: LockHeld[];
}

export interface RehearsedStatement {
  line: number;
  sql: string;
  ms: number;
  /** Locks the statement's session held on tables and indexes, strongest first (from pg_locks, a second connection). */
  locks: LockHeld[];
  /** Tables and indexes whose storage was replaced (relfilenode changed): a full rewrite. */
  rewrites: Rewrite[];
  /** Postgres' error, when the statement failed. */
  error?: string;
}

export interface LockHeld {
  relation: string;
  mode: string;
  /** What the lock keeps others from doing while it is held. */
  blocks: string;
  /** Seen in pg_locks; false: the lock this statement kind takes (the statement failed, or its lock ended between samples). */
  measured: boolean;
}

export interface Rewrite {
  relation: string;
  kind: 'table' | 'index';
  /** Size after the rewrite, e.g. "8192 bytes". */
  size: string;
}

export interface ApiChange {
  base: string;
  /** oasdiff's breaking changes (levels ERR and WARN), errors first. */
  breaking: ApiDifference[];
  /** The rest of oasdiff's changelog. */
  other: ApiDifference[];
}

export interface ApiDifference {
  level: 'error' | 'warning' | 'info';
  operation: string;
  path: string;
  text: string;
  id: string;
}
