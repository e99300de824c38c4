import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTxtar } from './txtar.ts';

/**
 * One case of the migration gate, read from a test/gate-cases/*.txtar file
 * (the format: test/gate-cases/README.md). Cases are data so that a hazard is
 * added by writing SQL and the verdict it must get, not code; the runner
 * (test/integration/gate-cases.test.ts) judges each with the real gate.
 */
export interface GateCase {
  /** The file's name, e.g. `locks-index-without-concurrently.txtar`. */
  file: string;
  /** The comment's first line: what the case shows. */
  title: string;
  /** A migration applied before the one judged (not judged itself). */
  before?: string;
  /** The migration the gate judges. */
  migration: string;
  /** The rules that must refuse it (`source rule`), exactly; [] when it must pass. */
  refuses: string[];
  /** Rules that must NOT appear among the refusals. */
  notRefused: string[];
  /** Patterns the refusals' text (one formatted finding a line) must each match. */
  says: RegExp[];
}

/** The sections a case may have; any other name is a typo that would silently drop an assertion. */
const known = new Set(['before.sql', 'migration.sql', 'refuses', 'not-refused', 'says']);

/** A section's meaningful lines, as written: blank lines and `#` comments are for the reader. */
function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

/** A list of rules, one `source rule` a line. */
const rules = (text: string | undefined) => lines(text).map((line) => line.trim());

/** Parses one case file; throws, naming the file and what to write, on anything it cannot read unambiguously. */
export function parseGateCase(file: string, text: string): GateCase {
  const fail = (problem: string): never => {
    throw new Error(`${file}: ${problem} (the format: test/gate-cases/README.md)`);
  };
  const { script, files } = parseTxtar(text);
  const markers = [...text.matchAll(/^-- (.+) --$/gm)].map((match) => match[1]!);
  const repeated = markers.filter((name, i) => markers.indexOf(name) !== i);
  if (repeated.length) fail(`section "${repeated[0]}" appears twice`);
  const unknown = markers.filter((name) => !known.has(name));
  if (unknown.length) fail(`unknown section "${unknown[0]}"; a case has ${[...known].join(', ')}`);
  const title = script.trim().split('\n')[0]!.trim();
  if (!title) fail('the comment before the first section must say, on its first line, what the case shows');
  const migration = files.get('migration.sql');
  if (migration === undefined || !migration.trim()) fail('a non-empty "-- migration.sql --" section is required');
  if (!files.has('refuses')) fail('a "-- refuses --" section is required (with only a `# comment` when the gate must pass the migration)');
  const before = files.get('before.sql');
  if (before !== undefined && !before.trim()) fail('the "-- before.sql --" section is empty: remove it or give it SQL');
  const says = lines(files.get('says')).map((pattern) => {
    try {
      return new RegExp(pattern, 'm');
    } catch (error) {
      return fail(`"-- says --" line is not a regular expression: ${pattern} (${(error as Error).message})`);
    }
  });
  return {
    file,
    title,
    before,
    migration: migration!,
    refuses: rules(files.get('refuses')),
    notRefused: rules(files.get('not-refused')),
    says,
  };
}

/**
 * Every case in `folder`, sorted by file name. Any file other than *.txtar
 * and README.md is an error, so that a misnamed case is not silently skipped.
 */
export function readGateCases(folder: string): GateCase[] {
  const entries = readdirSync(folder).sort();
  const strays = entries.filter((entry) => !entry.endsWith('.txtar') && entry !== 'README.md');
  if (strays.length) throw new Error(`${folder}: ${strays.join(', ')} is not a case: a case file ends in .txtar`);
  return entries
    .filter((entry) => entry.endsWith('.txtar'))
    .map((entry) => parseGateCase(entry, readFileSync(path.join(folder, entry), 'utf8')));
}
