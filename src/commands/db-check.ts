import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkProject } from '../project-check/check-project.ts';
import type { GateVerdict } from '../gate/gate.ts';
import type { CheckResult } from '../project-check/result.ts';
import { commandTargets, projectConfig } from './context.ts';
import { assertReachable } from '../postgres/reachable.ts';
import { buildReview } from '../project-check/report/review.ts';
import { writeReview } from '../project-check/report/write-report.ts';
import { redactSecrets } from '../config/redact.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev } from '../atlas/flags.ts';

const usage = `Usage: npm run db:check -- [--dir <project>] [--url <live db> | --env neon] [--dev-url <scratch db>]
                             [--latest <n> | --git-base <ref>]
                             [--report <file.md>] [--json <file.json>] [--rehearse-on <copy of the target>]`;

/**
 * `npm run db:check`: the schema gate. Migrations intact, migrations give
 * schema.sql, types fresh, newest migrations lint clean, and (with a
 * target) no drift in the live database. Fails if any check fails.
 */
export default async function dbCheck(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const { devUrl, targetUrl } = await resolveCheckTargets(flags);
  if (targetUrl) await assertReachable(targetUrl, flags.url ? '--url' : 'DATABASE_URL');
  await assertReachable(devUrl, flags.devUrl ? '--dev-url' : 'ATLAS_DEV_URL');
  if (flags.rehearseOn) await assertReachable(flags.rehearseOn, '--rehearse-on');
  const root = path.resolve(flags.dir ?? process.cwd());
  console.log(`db:check ${root}${targetUrl ? ` (live: ${redactSecrets(targetUrl)})` : ''}`);
  let verdict: GateVerdict | undefined;
  const results = await checkProject({
    root,
    devUrl,
    targetUrl,
    lint: { latest: flags.latest, gitBase: flags.gitBase },
    excludeTables: projectConfig().SCHEMA_EXCLUDE,
    onResult: printResult,
    onVerdict: (judged) => (verdict = judged),
  });
  if (flags.report || flags.json) {
    // The review report (docs/review-report.md): written whatever the checks found, since a failing change is the one to review.
    const report = await buildReview({
      root,
      devUrl,
      targetUrl,
      rehearseOn: flags.rehearseOn,
      lint: { latest: flags.latest, gitBase: flags.gitBase },
      checks: results,
      verdict,
      log: (line) => console.log(line),
    });
    for (const file of writeReview(report, { markdown: flags.report, json: flags.json })) console.log(`review report written: ${file}`);
  }
  const failed = results.filter((result) => result.status === 'fail');
  if (failed.length > 0) {
    throw new CommandError(`db:check: ${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.name).join(', ')}`);
  }
  console.log(`db:check: all ${results.filter((r) => r.status === 'pass').length} checks passed`);
}

function printResult(result: CheckResult): void {
  const mark = { pass: '✓', fail: '✗', skip: '–' }[result.status];
  const lines = [`${mark} ${result.name}: ${result.reason}`, ...result.details.map((line) => `    ${line}`)];
  console.log(redactSecrets(lines.join('\n')));
}

interface Flags {
  dir?: string;
  url?: string;
  env?: string;
  devUrl?: string;
  latest?: number;
  gitBase?: string;
  report?: string;
  json?: string;
  rehearseOn?: string;
}

function parseFlags(args: string[]): Flags {
  try {
    const { values } = parseArgs({
      args,
      options: {
        dir: { type: 'string' },
        url: { type: 'string' },
        env: { type: 'string' },
        'dev-url': { type: 'string' },
        latest: { type: 'string' },
        'git-base': { type: 'string' },
        report: { type: 'string' },
        json: { type: 'string' },
        'rehearse-on': { type: 'string' },
      },
    });
    const latest = values.latest === undefined ? undefined : Number(values.latest);
    if (latest !== undefined && !(Number.isInteger(latest) && latest > 0)) throw new Error('--latest takes a number > 0');
    if (latest && values['git-base']) throw new Error('--latest and --git-base exclude each other');
    if (values.env && !['local', 'neon'].includes(values.env)) throw new Error('--env is local or neon');
    if (values['rehearse-on'] && !(values.report || values.json))
      throw new Error('--rehearse-on is for the review report: add --report <file.md> or --json <file>');
    return { ...values, devUrl: values['dev-url'], gitBase: values['git-base'], rehearseOn: values['rehearse-on'], latest };
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
}

/** The dev (scratch) database, and the live database if one was named. */
async function resolveCheckTargets(flags: Flags): Promise<{ devUrl: string; targetUrl?: string | undefined }> {
  const config = projectConfig();
  if (flags.env === 'neon') {
    const targetUrl = flags.url ?? config.DIRECT_DATABASE_URL ?? config.DATABASE_URL;
    if (!targetUrl) throw new CommandError('--env neon: set DIRECT_DATABASE_URL (or DATABASE_URL).', 2);
    return { devUrl: flags.devUrl ?? requireDev({ dev: config.ATLAS_DEV_URL }), targetUrl };
  }
  if (config.DATABASE_URL) {
    const targets = await commandTargets(() => {}, config);
    return { devUrl: flags.devUrl ?? requireDev(targets), targetUrl: flags.url ?? targets.migrate };
  }
  // The embedded default: its scratch database, and no live target unless --url.
  const devUrl = flags.devUrl ?? config.ATLAS_DEV_URL ?? requireDev(await commandTargets(undefined, config));
  return { devUrl, targetUrl: flags.url };
}
