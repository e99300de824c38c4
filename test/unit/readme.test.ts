import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageWithApiTable } from '../../src/commands/api-docs.ts';
import { configVariables } from '../../src/config/env.ts';
import { squawkRules } from '../../src/gate/squawk-rules.ts';
import { brokenLink, codeSpans, docsPages, links, proseLines, readDoc, readmeFile, repoRoot } from '../support/markdown.ts';

/**
 * The README is the front page and docs/*.md hold the rest; these checks keep
 * both true to the code (the API table, the variables, the commands) and to
 * each other (every page reachable, every link and named path alive).
 */
const readme = readFileSync(readmeFile, 'utf8');
const pages = [readmeFile, ...docsPages()];
const relative = (file: string) => path.relative(repoRoot, file);

it('docs/api.md’s API table matches the OpenAPI document (npm run docs:api)', () => {
  const api = readDoc('api.md');
  expect(api).toBe(pageWithApiTable(api));
  expect(api).toContain('| `GET` | `/books/{author_id}` |');
});

it('the README names the test command that CI runs', () => {
  expect(readme).toContain('npm test');
  expect(readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

it('docs/configuration.md lists every configuration variable', () => {
  const configuration = readDoc('configuration.md');
  const missing = configVariables.filter((name) => !configuration.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

it('docs/schema-loop.md’s Commands table lists every db:* script', () => {
  const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const loop = readDoc('schema-loop.md');
  const from = loop.indexOf('\n## Commands');
  expect(from).toBeGreaterThan(0);
  const next = loop.indexOf('\n## ', from + 1);
  const table = loop.slice(from, next < 0 ? undefined : next);
  const missing = Object.keys(scripts).filter(
    (name) => name.startsWith('db:') && !table.includes(`npm run ${name}`) && !table.includes(`\`${name}\``),
  );
  expect(missing).toEqual([]);
});

it('docs/safety.md’s table of squawk rules is the configuration the gate runs', () => {
  // Cells are compared with the padding around each | squeezed out, so an aligned table matches too.
  const squeeze = (text: string) => text.replace(/ *\| */g, '|');
  const safety = squeeze(readDoc('safety.md'));
  const word = { fail: 'refuses', warn: 'warns', off: 'off' } as const;
  const missing = Object.entries(squawkRules)
    .map(([rule, policy]) => `| \`${rule}\` | ${word[policy.level]} | ${policy.why} |`)
    .filter((row) => !safety.includes(squeeze(row)));
  expect(missing).toEqual([]);
});

describe('docs/errors.md', () => {
  const errors = readDoc('errors.md');
  const sources = readdirSync(path.join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith(path.join('db', 'zapatos')))
    .map((file) => ({ file, text: readFileSync(path.join(repoRoot, 'src', file), 'utf8') }));

  it('lists every UserError code the code gives, and no other', () => {
    const given = new Set(
      sources.flatMap(({ file, text }) => [
        ...[...text.matchAll(/\bcode: '([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1]!),
        // The base class's defaults (BOOKSHELF_ERROR, USAGE, COMMAND_FAILED) are plain literals.
        ...(file === path.join('errors', 'user-error.ts') ? [...text.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1]!) : []),
      ]),
    );
    const listed = new Set([...errors.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]!));
    expect(given.size).toBeGreaterThan(0);
    expect([...given].filter((code) => !listed.has(code))).toEqual([]);
    expect([...listed].filter((code) => !given.has(code))).toEqual([]);
  });

  it('lists every problem the API sends, by status and title', () => {
    const sent = new Set(
      sources
        .filter(({ file }) => file.startsWith('http'))
        .flatMap(({ text }) =>
          [...text.matchAll(/new HttpProblem\(\s*(\d{3}),\s*'([^']+)'/g)].map((match) => `| ${match[1]} | ${match[2]} (`),
        ),
    );
    expect(sent.size).toBeGreaterThan(0);
    expect([...sent].filter((row) => !errors.includes(row))).toEqual([]);
  });
});

describe('the README is a front page', () => {
  it('is under 250 lines, none over 120 characters', () => {
    const lines = readme.split('\n');
    expect(lines.length).toBeLessThan(250);
    expect(lines.map((text, index) => ({ line: index + 1, length: text.length })).filter(({ length }) => length > 120)).toEqual([]);
  });

  it('links every docs/*.md page', () => {
    const linked = new Set(links(readme).map(({ target }) => path.resolve(repoRoot, target.split('#')[0]!)));
    expect(
      docsPages()
        .filter((page) => !linked.has(page))
        .map(relative),
    ).toEqual([]);
  });
});

describe('README.md and docs/*.md', () => {
  it('have no broken relative link (file or heading anchor)', () => {
    const broken = pages.flatMap((file) =>
      links(readFileSync(file, 'utf8')).flatMap(({ line, target }) => {
        const why = brokenLink(file, target);
        return why ? [`${relative(file)}:${line}: ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('name only src/ and test/ paths that exist', () => {
    const missing = pages.flatMap((file) =>
      codeSpans(readFileSync(file, 'utf8'))
        .filter(({ code }) => /^(src|test)\/[\w./-]+$/.test(code))
        .filter(({ code }) => !existsSync(path.join(repoRoot, code)))
        .map(({ line, code }) => `${relative(file)}:${line}: ${code}`),
    );
    expect(missing).toEqual([]);
  });

  it('run only npm scripts that package.json has', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const unknown = pages.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          [...line.matchAll(/\bnpm run ([\w:.-]*\w)(?![\w:*])/g)].map((match) => ({ line: index + 1, name: match[1]! })),
        )
        .filter(({ name }) => !(name in scripts))
        .map(({ line, name }) => `${relative(file)}:${line}: npm run ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('keep prose lines to 120 characters (tables and code blocks aside)', () => {
    const long = docsPages().flatMap((file) =>
      proseLines(readFileSync(file, 'utf8'))
        .filter(({ text }) => text.length > 120 && !text.trimStart().startsWith('|'))
        .map(({ line, text }) => `${relative(file)}:${line}: ${text.length} characters`),
    );
    expect(long).toEqual([]);
  });
});
