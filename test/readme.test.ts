import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readmePath, readmeWithTable } from '../src/commands/api-docs.ts';
import { configVariables } from '../src/config/env.ts';

const readme = readFileSync(readmePath, 'utf8');

it('the README’s API table matches the OpenAPI document (npm run docs:api)', () => {
  expect(readme).toBe(readmeWithTable(readme));
  expect(readme).toContain('| `GET` | `/books/{author_id}` |');
});

it('the README names the test command that CI runs', () => {
  expect(readme).toContain('npm test');
  expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/^npm test$/m);
});

it('the README lists every configuration variable', () => {
  const missing = configVariables.filter((name) => !readme.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

it('the README’s Commands table lists every db:* script', () => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const table = readme.slice(readme.indexOf('### Commands'), readme.indexOf('\n## ', readme.indexOf('### Commands')));
  const missing = Object.keys(scripts).filter((name) => name.startsWith('db:') && !table.includes(`npm run ${name}`) && !table.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});
