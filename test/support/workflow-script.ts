import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/project/paths.mjs';
import { atlas } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { dataImpact } from '../../src/gate/data-impact.ts';
import { applyMigrations, GateRefusal } from '../../src/migrate/apply.ts';
import { rebaseMigrations } from '../../src/migrate/rebase.ts';
import { revertMigrations } from '../../src/migrate/revert.ts';
import { syncDatabase } from '../../src/migrate/sync.ts';
import { atlasUrl } from '../../src/atlas/flags.ts';
import { canMakeClientTypes, runClientTypes } from '../../src/project/client-types.ts';
import { resolveMigration } from '../../src/migrate/resolve.ts';
import { migrationStatus } from '../../src/migrate/status.ts';
import pg from 'pg';
import { call, startApp } from './app.ts';
import { runToEnd } from './process.ts';
import { runDbCheck } from './scratch-repo.ts';
import { parseTxtar } from './txtar.ts';

/**
 * Runs a schema-change story written like Atlas's txtar integration tests
 * (internal/integration/testdata/*.txtar): one command a line, `#` comments,
 * a leading `!` expects failure (or, for assertions, no match). The files
 * after the script are written into the scratch repo first.
 *
 * Variables: $WORK (the scratch repo), $URL (an empty database the story
 * migrates), $DEV (Atlas's empty dev database).
 *
 * Commands:
 *   atlas <args>              the real Atlas, in $WORK
 *   api <METHOD> <path> [json] the API (src/http) on $URL, one request; output: status, then body
 *   db-check [args]           npm run db:check -- --dir $WORK --dev-url $DEV [args]
 *   db-status                 what npm run db:status says about $URL (Atlas's status, then skipped/unknown/partial migrations); fails when it finds any
 *   db-resolve <version> --applied|--rolled-back   npm run db:resolve on $URL, with $WORK's migrations
 *   db-apply                  the apply path of npm run db:apply (the gate, then Atlas with lock_timeout) on $URL, with $WORK's migrations;
 *                             a refusal counts the rows its findings would touch, as the command does
 *   db-rebase [--base <ref>]  npm run db:rebase's work in $WORK (src/migrate/rebase.ts)
 *   db-revert <version>       npm run db:revert's work in $WORK, rows counted in $URL (src/migrate/revert.ts)
 *   db-sync                   npm run db:sync's work with $URL standing in for the local embedded database (src/migrate/sync.ts)
 *   git <args>                git in $WORK (a fixed author; `git init` makes the scratch repo a repository)
 *   sql <statement>           one statement on $URL; output: the command tag and row count, then the rows as JSON
 *   types                     zapatos types from $WORK's migrations into $WORK/src/db; when $WORK has the code (see
 *                             `code`), also its typed client (src/client/api-types.ts), as db:diff does
 *   tsc [tsconfig]            tsc --noEmit -p $WORK/<tsconfig> (default tsconfig.json)
 *   code                      copy the project's code (src/, package.json, tsconfig.json) into $WORK, so that the
 *                             review report's API contract (db-check --report) is built from $WORK's own src/
 *   cat <file>                a file of $WORK becomes the output (to match a written report with `output`)
 *   cp <from> <to>            copy a file within $WORK
 *   rm <path-or-glob>         delete files
 *   prepend <glob> <file>     put <file>'s text at the top of the one file matching <glob>
 *   output <regex>            the previous command's output (stdout+stderr) matches
 *   grep <regex> <file>       a file's text matches
 *   cmp <glob> <file>         the one file matching <glob> equals <file>
 */
export interface ScriptContext {
  work: string;
  url: string;
  dev: string;
  /** Output of the previous command. */
  output: string;
}

type Command = (ctx: ScriptContext, args: string[]) => Promise<{ ok: boolean; output?: string }>;

const commands: Record<string, Command> = {
  atlas: async (ctx, args) => {
    const run = await atlas(args, { echo: false, cwd: ctx.work });
    return { ok: run.code === 0, output: run.stdout + run.stderr };
  },
  api: async (ctx, [method = 'GET', route = '/', body]) => {
    const app = await startApp(ctx.url);
    try {
      // A story may show a 500 on purpose (old code after a column it uses was dropped): not a document mismatch.
      const response = await call(app, method, route, body === undefined ? undefined : JSON.parse(body), {}, { show5xx: true });
      return { ok: response.status < 400, output: `${response.status}\n${JSON.stringify(response.body)}` };
    } finally {
      await app.close();
    }
  },
  'db-check': async (ctx, args) => {
    const run = await runDbCheck(['--dir', ctx.work, '--dev-url', ctx.dev, ...args]);
    return { ok: run.code === 0, output: run.output };
  },
  'db-status': async (ctx) => {
    try {
      const { atlas: status, problems } = await migrationStatus({ root: ctx.work, url: ctx.url, dev: ctx.dev });
      return { ok: problems.length === 0, output: [status, ...problems].join('\n') };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    }
  },
  'db-resolve': async (ctx, [version = '', flag = '']) => {
    try {
      const as = flag === '--applied' ? 'applied' : flag === '--rolled-back' ? 'rolled-back' : null;
      if (!as) throw new Error(`db-resolve needs --applied or --rolled-back, not "${flag}"`);
      const lines = await resolveMigration({ root: ctx.work, url: ctx.url, dev: ctx.dev, version, as });
      return { ok: true, output: lines.join('\n') };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    }
  },
  'db-apply': async (ctx) => {
    const lines: string[] = [];
    try {
      const { applied } = await applyMigrations(ctx.url, {
        dev: ctx.dev,
        root: ctx.work,
        showWarnings: true,
        log: (line) => lines.push(line),
      });
      return { ok: true, output: [...lines, `applied ${applied.length} migration(s): ${applied.join(', ')}`].join('\n') };
    } catch (error) {
      const rows = error instanceof GateRefusal ? await dataImpact(ctx.url, error.verdict.blockers) : [];
      return { ok: false, output: [...lines, (error as Error).message, ...rows].join('\n') };
    }
  },
  'db-rebase': async (ctx, args) => {
    const base = args[0] === '--base' ? args[1] : undefined;
    return logged((log) => rebaseMigrations({ root: ctx.work, devUrl: ctx.dev, base, log }));
  },
  'db-revert': async (ctx, [version]) =>
    logged((log) => revertMigrations({ root: ctx.work, devUrl: ctx.dev, version: version!, targetUrl: ctx.url, log })),
  'db-sync': async (ctx) => logged((log) => syncDatabase({ root: ctx.work, url: ctx.url, devUrl: ctx.dev, log })),
  git: async (ctx, args) => {
    const identity = {
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
    };
    const run = await runToEnd('git', args, { cwd: ctx.work, env: { ...process.env, ...identity, GIT_CONFIG_GLOBAL: '/dev/null' } });
    return { ok: run.code === 0, output: run.output };
  },
  sql: async (ctx, [statement]) => {
    const client = new pg.Client({ connectionString: ctx.url });
    await client.connect();
    try {
      const result = await client.query(statement!);
      return { ok: true, output: `${result.command} ${result.rowCount}\n${JSON.stringify(result.rows)}` };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    } finally {
      await client.end();
    }
  },
  types: async (ctx) => {
    await typesFromMigrations(ctx.dev, path.join(ctx.work, 'src', 'db'), false, ctx.work);
    if (!canMakeClientTypes(ctx.work)) return { ok: true };
    const client = await runClientTypes(ctx.work, 'write');
    return { ok: client.code === 0, output: client.output };
  },
  tsc: async (ctx, [project = 'tsconfig.json']) => {
    const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
    const run = await runToEnd(tsc, ['--noEmit', '-p', path.join(ctx.work, project)], { cwd: ctx.work });
    return { ok: run.code === 0, output: run.output };
  },
  code: async (ctx) => {
    for (const entry of ['src', 'package.json', 'tsconfig.json']) {
      cpSync(path.join(repoRoot, entry), inWork(ctx, entry), { recursive: true });
    }
    return { ok: true };
  },
  cat: async (ctx, [file]) => ({ ok: true, output: readFileSync(inWork(ctx, file!), 'utf8') }),
  cp: async (ctx, [from, to]) => {
    writeFileSync(inWork(ctx, to!), readFileSync(inWork(ctx, from!)));
    return { ok: true };
  },
  rm: async (ctx, [pattern]) => {
    for (const file of glob(ctx, pattern!)) rmSync(file);
    return { ok: true };
  },
  prepend: async (ctx, [pattern, from]) => {
    const target = only(ctx, pattern!);
    writeFileSync(target, readFileSync(inWork(ctx, from!), 'utf8') + readFileSync(target, 'utf8'));
    return { ok: true };
  },
  output: async (ctx, [pattern]) => ({ ok: new RegExp(pattern!, 'm').test(ctx.output), output: ctx.output }),
  grep: async (ctx, [pattern, file]) => ({ ok: new RegExp(pattern!, 'm').test(readFileSync(inWork(ctx, file!), 'utf8')) }),
  cmp: async (ctx, [pattern, expected]) => {
    const actual = readFileSync(only(ctx, pattern!), 'utf8');
    const wanted = readFileSync(inWork(ctx, expected!), 'utf8');
    return { ok: actual === wanted, output: `--- ${pattern}\n${actual}--- ${expected}\n${wanted}` };
  },
};

/** Runs one of the db:* commands' work, its log lines as the output; a failure's message ends the output. */
async function logged(work: (log: (line: string) => void) => Promise<unknown>): Promise<{ ok: boolean; output: string }> {
  const lines: string[] = [];
  try {
    await work((line) => lines.push(line));
    return { ok: true, output: lines.join('\n') };
  } catch (error) {
    return { ok: false, output: [...lines, (error as Error).message].join('\n') };
  }
}

/** Commands that only look: they keep the previous command's output for the next assertion. */
const assertions = new Set(['output', 'grep', 'cmp']);

/** Runs the script in `work`, a scratch repo; throws at the first line that does not do what it says. */
export async function runScript(file: string, ctx: Omit<ScriptContext, 'output'>): Promise<void> {
  const { script, files } = parseTxtar(readFileSync(file, 'utf8'));
  for (const [name, text] of files) {
    mkdirSync(path.dirname(inWork(ctx, name)), { recursive: true });
    writeFileSync(inWork(ctx, name), text);
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(ctx.work, 'node_modules')); // for tsc
  const state: ScriptContext = { ...ctx, output: '' };
  const vars: Record<string, string> = { WORK: ctx.work, URL: atlasUrl(ctx.url), DEV: atlasUrl(ctx.dev) };
  for (const [index, raw] of script.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const [name = '', ...args] = tokenize(negate ? line.slice(1) : line).map((word) => expand(word, vars));
    const command = commands[name];
    if (!command) throw new Error(`${path.basename(file)}:${index + 1}: unknown command "${name}"`);
    const started = Date.now();
    const result = await command(state, args);
    if (process.env.WORKFLOW_TRACE)
      console.log(`${path.basename(file)}:${index + 1}: ${((Date.now() - started) / 1000).toFixed(1)} s  ${line}`);
    if (!assertions.has(name)) state.output = result.output ?? '';
    if (result.ok === negate) {
      const expected = negate ? 'to fail' : 'to succeed';
      throw new Error(`${path.basename(file)}:${index + 1}: expected \`${line}\` ${expected}\n${result.output ?? state.output}`);
    }
  }
}

/** Words separated by spaces; '...' quotes a word (testscript style). */
function tokenize(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!));
}

const expand = (word: string, vars: Record<string, string>) => word.replace(/\$(\w+)/g, (all, name: string) => vars[name] ?? all);

function inWork(ctx: Pick<ScriptContext, 'work'>, file: string): string {
  const resolved = path.resolve(ctx.work, file);
  if (!resolved.startsWith(ctx.work + path.sep)) throw new Error(`${file} is outside the scratch repo`);
  return resolved;
}

/** Files matching a path whose last part may hold `*`. */
function glob(ctx: ScriptContext, pattern: string): string[] {
  const dir = path.dirname(inWork(ctx, pattern));
  const re = new RegExp(`^${path.basename(pattern).split('*').map(escape).join('.*')}$`);
  return readdirSync(dir)
    .filter((name) => re.test(name))
    .map((name) => path.join(dir, name));
}

function only(ctx: ScriptContext, pattern: string): string {
  const matches = glob(ctx, pattern);
  if (matches.length !== 1) throw new Error(`${pattern} matches ${matches.length} files, not one`);
  return matches[0]!;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
