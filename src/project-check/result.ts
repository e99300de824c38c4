/** What one check of `npm run db:check` found. */
export interface CheckResult {
  /** Short name, e.g. "migrations intact". */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  /** One line: why it passed, failed or was skipped. */
  reason: string;
  /** More lines for a failure: which files, the SQL, what to run. */
  details: string[];
}

export const pass = (name: string, reason: string, details: string[] = []): CheckResult => ({
  name,
  status: 'pass',
  reason,
  details,
});
export const fail = (name: string, reason: string, details: string[] = []): CheckResult => ({
  name,
  status: 'fail',
  reason,
  details,
});
export const skip = (name: string, reason: string): CheckResult => ({ name, status: 'skip', reason, details: [] });
