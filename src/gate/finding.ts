import type { ColumnType } from './column-types.ts';

/**
 * One hazard the migration gate found in one migration file: where, which
 * rule, whether it blocks, what goes wrong and how to opt out.
 */
export interface Finding {
  /** Migration file name, e.g. 20261126000608_drop_bio.sql. */
  file: string;
  /** 1-based line of the statement in the file. */
  line: number;
  /** Who found it: Atlas's analyzers, squawk, or our own data-loss rules. */
  source: 'atlas' | 'squawk' | 'bookshelf';
  /** The rule: an Atlas code (DS103), a squawk rule or one of ours. */
  rule: string;
  /** fail: the gate refuses the migration; warn: shown, not refused. */
  level: 'fail' | 'warn';
  /** What goes wrong in production and what to write instead. */
  message: string;
  /** The one reviewed line that accepts the hazard, if it is intended. */
  optOut: string;
  /** The column at stake (our data-loss rules), so its rows can be counted in a real database. */
  subject?: { table: string; column: string; newType?: ColumnType };
}

/** `file:line: message (rule) opt-out`: one line per finding. */
export function formatFinding(finding: Finding): string {
  const rule = finding.source === 'atlas' ? finding.rule : `${finding.source} ${finding.rule}`;
  const optOut = finding.level === 'fail' && finding.optOut ? ` If intended: \`${finding.optOut}\` in the file.` : '';
  return `${finding.file}:${finding.line}: ${finding.message} (${rule})${optOut}`;
}
