/**
 * How the gate treats each squawk rule, and why (docs/safety.md's table is this
 * table). `fail` refuses the migration, `warn` prints it, `off` is not run.
 * A rule squawk adds later and this table does not know fails (safe default).
 * `advice` replaces squawk's text: what goes wrong in production, what to
 * write instead.
 */
export interface SquawkRulePolicy {
  level: 'fail' | 'warn' | 'off';
  why: string;
  advice?: string;
}

export const squawkRules: Record<string, SquawkRulePolicy> = {
  // Locks and rewrites: the API stalls while these run on a table with rows.
  'require-concurrent-index-creation': {
    level: 'fail',
    why: 'blocks writes to the table for the whole index build',
    advice:
      'CREATE INDEX without CONCURRENTLY blocks every INSERT/UPDATE/DELETE on the table until the index is built. ' +
      'Write `CREATE INDEX CONCURRENTLY` in a file of its own that starts with `-- atlas:txmode none`.',
  },
  'require-concurrent-index-deletion': {
    level: 'fail',
    why: 'ACCESS EXCLUSIVE lock: blocks reads and writes',
    advice:
      'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock: reads and writes of the table wait. ' +
      'Write `DROP INDEX CONCURRENTLY` in a file of its own that starts with `-- atlas:txmode none`.',
  },
  'ban-concurrent-index-creation-in-transaction': {
    level: 'fail',
    why: 'fails at apply time: Atlas runs each file in a transaction',
    advice:
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction, and Atlas wraps each file in one: the apply fails. ' +
      'Start the file with `-- atlas:txmode none` and an empty line, and keep the index build alone in it.',
  },
  'constraint-missing-not-valid': {
    level: 'fail',
    why: 'scans the whole table while blocking writes',
    advice:
      'Adding a CHECK or FOREIGN KEY constraint scans every row while writes wait. ' +
      'Add it `NOT VALID` (new rows are checked at once), then `VALIDATE CONSTRAINT` in a later migration, which does not block writes.',
  },
  'adding-foreign-key-constraint': {
    level: 'fail',
    why: 'locks both tables while every row is checked',
    advice:
      'A new FOREIGN KEY checks every existing row while writes to both tables wait. ' +
      'Add it `NOT VALID`, then `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration.',
  },
  'changing-column-type': {
    level: 'fail',
    why: 'rewrites the table under ACCESS EXCLUSIVE; running code may break',
    advice:
      'Changing a column type rewrites the table (and its indexes) while reads and writes wait, and code still ' +
      'running may not understand the new type. Add a new column, backfill it in batches, switch the code, then drop the old one.',
  },
  'adding-not-nullable-field': {
    level: 'fail',
    why: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE',
    advice:
      'SET NOT NULL scans the whole table while reads and writes wait. First add ' +
      '`CHECK (col IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT`, then SET NOT NULL (Postgres then skips the scan) and drop the CHECK.',
  },
  'adding-field-with-default': {
    level: 'fail',
    why: 'a volatile or generated default rewrites the table',
    advice:
      'A column with a volatile default (random(), gen_random_uuid(), clock_timestamp()) or a generated column rewrites ' +
      'the table while reads and writes wait. Add it nullable without the default, backfill in batches, then set the default.',
  },
  'adding-required-field': {
    level: 'fail',
    why: 'NOT NULL without a default fails on a table with rows',
    advice:
      'A NOT NULL column without a default fails on any table that has rows. Add it nullable (or with a constant default), backfill, then make it NOT NULL.',
  },
  'adding-serial-primary-key-field': {
    level: 'fail',
    why: 'builds a unique index under ACCESS EXCLUSIVE',
    advice:
      'Adding a PRIMARY KEY builds its index while reads and writes wait. ' +
      'Build a unique index CONCURRENTLY first, then `ADD CONSTRAINT … PRIMARY KEY USING INDEX`.',
  },
  'disallowed-unique-constraint': {
    level: 'fail',
    why: 'builds a unique index under ACCESS EXCLUSIVE',
    advice:
      'ADD CONSTRAINT … UNIQUE builds its index while reads and writes wait. ' +
      'Build the unique index CONCURRENTLY first, then `ADD CONSTRAINT … UNIQUE USING INDEX`.',
  },
  'require-concurrent-reindex': {
    level: 'fail',
    why: 'REINDEX without CONCURRENTLY blocks writes',
    advice: 'REINDEX blocks writes to the table. Write `REINDEX … CONCURRENTLY` in a file that starts with `-- atlas:txmode none`.',
  },
  'require-concurrent-partition-detach': {
    level: 'fail',
    why: 'ACCESS EXCLUSIVE on the parent table',
    advice: 'DETACH PARTITION locks the parent table. Write `DETACH PARTITION … CONCURRENTLY` (outside a transaction).',
  },
  'ban-drop-database': { level: 'fail', why: 'never part of a migration', advice: 'A migration must never drop a database.' },
  'ban-truncate-cascade': {
    level: 'fail',
    why: 'silently empties every referencing table',
    advice: 'TRUNCATE … CASCADE also empties every table that references this one. Truncate the tables you mean, by name.',
  },
  'transaction-nesting': {
    level: 'fail',
    why: 'Atlas already runs each file in a transaction',
    advice: 'Atlas runs each file in its own transaction: a BEGIN/COMMIT inside it ends that transaction early. Remove them.',
  },
  'ban-uncommitted-transaction': {
    level: 'fail',
    why: 'a BEGIN without COMMIT',
    advice: 'The file opens a transaction it never commits. Remove the BEGIN: Atlas runs each file in a transaction.',
  },
  'ban-alter-domain-with-add-constraint': { level: 'fail', why: 'validates every row of every column of the domain under lock' },
  'ban-create-domain-with-constraint': { level: 'warn', why: 'later changes to the constraint are hard to do online' },

  // Worth seeing, not refusing.
  'require-lock-timeout': {
    level: 'off',
    why: 'the apply path sets it: every migration runs with lock_timeout = MIGRATION_LOCK_TIMEOUT_MS (2 s) and is retried on a timeout (src/migrate/apply.ts)',
  },
  'require-statement-timeout': {
    level: 'off',
    why: 'a migration may legitimately run long (a CONCURRENTLY build, a backfill); lock_timeout is the bound that protects readers',
  },
  'require-timeout-settings': { level: 'off', why: 'the umbrella of the two timeout rules above, both off' },
  'ban-drop-not-null': { level: 'warn', why: 'old code that writes NULL is fine; old code that reads may not expect NULL' },
  'renaming-column': { level: 'warn', why: "Atlas's backward-incompatible analyzer (BC102) already fails it, with its own opt-out" },
  'renaming-table': { level: 'warn', why: "Atlas's backward-incompatible analyzer (BC101) already fails it, with its own opt-out" },
  'ban-char-field': { level: 'warn', why: 'char(n) pads with blanks; style, not safety' },
  'prefer-text-field': {
    level: 'warn',
    why: 'changing varchar(n) later rewrites or locks; the guide’s schema uses varchar(n), so style, not safety',
  },
  'prefer-timestamp-tz': { level: 'warn', why: 'timestamp without time zone is ambiguous; style, not safety' },
  'prefer-identity': { level: 'warn', why: 'serial leaves the sequence outside the table; style' },
  'identifier-too-long': { level: 'fail', why: 'Postgres silently truncates names over 63 bytes; the next diff then never matches' },
  'require-enum-value-ordering': { level: 'warn', why: 'style' },
  'syntax-error': {
    level: 'warn',
    why: "squawk's own parser may not know all of Postgres' syntax; SQL that does not run is refused by the replay on the dev database (does-not-apply)",
  },
  'unused-ignore': { level: 'warn', why: 'a `-- squawk-ignore` for a rule that did not fire: remove it' },

  // Off, on purpose.
  'ban-drop-column': {
    level: 'off',
    why: "Atlas's destructive analyzer (DS103) already fails it, opt-out `-- atlas:nolint destructive`: one opt-out, not two",
  },
  'ban-drop-table': { level: 'off', why: "Atlas's destructive analyzer (DS102) already fails it, opt-out `-- atlas:nolint destructive`" },
  'prefer-robust-stmts': {
    level: 'off',
    why: 'Atlas runs each file once, in a transaction; IF NOT EXISTS would hide drift that db:check reports',
  },
  'prefer-bigint-over-int': { level: 'off', why: 'the guide’s schema uses integer keys; a choice, not a hazard' },
  'prefer-bigint-over-smallint': { level: 'off', why: 'a choice, not a hazard' },
  'prefer-repack': { level: 'off', why: 'pg_repack is an extension and a tool of its own, which this project does not use' },
};

/** The rules squawk should not run at all (`--exclude`). */
export const excludedSquawkRules = Object.entries(squawkRules)
  .filter(([, policy]) => policy.level === 'off')
  .map(([rule]) => rule);
