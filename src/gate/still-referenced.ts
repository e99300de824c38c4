import { existsSync } from 'node:fs';
import path from 'node:path';
import { columnChanges, stillUsed } from './code-references.ts';
import type { Finding } from './finding.ts';
import type { MigrationFile } from '../project/migration-files.ts';

/**
 * The gate's expand-and-contract warning: a migration drops or renames a
 * column that the code in the project's src/ still uses (code-references.ts).
 * Migrations run before the new code is deployed, so from the migration
 * until the deploy the running code's requests that touch the column fail.
 * A warning, not a refusal: the use is found by name, a heuristic, and the
 * fix is in the code (stop using the column first), not in the migration.
 */
export function stillReferencedFindings(projectRoot: string, files: MigrationFile[]): Finding[] {
  const src = path.join(projectRoot, 'src');
  if (!existsSync(src)) return [];
  return files.flatMap((file) =>
    stillUsed(columnChanges(file.text), src).map((use): Finding => {
      const shown = use.uses.slice(0, 3).join(', ') + (use.uses.length > 3 ? `, and ${use.uses.length - 3} more` : '');
      return {
        file: file.name,
        line: use.line,
        source: 'bookshelf',
        rule: 'still-referenced',
        level: 'warn',
        message:
          `"${use.table}"."${use.column}" is ${use.change === 'drop' ? 'dropped' : 'renamed'}, and src/ still uses it (${shown}). ` +
          'Migrations run before the new code is deployed: from this migration until the deploy, every request of the running code ' +
          `that reads or writes "${use.column}" fails (500: column does not exist). Expand and contract instead: ` +
          'release code that no longer uses the column first, and drop it in a later migration (docs/online-changes.md: Expand and contract).',
        optOut: '',
      };
    }),
  );
}
