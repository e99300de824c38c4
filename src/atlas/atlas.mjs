#!/usr/bin/env node
// `npx atlas …`: runs the Atlas that bookshelf uses (see locate.mjs) with the
// update checks off. Reads .env like the npm scripts, so that atlas.hcl's
// `local` env sees the same EMBEDDED_PG_PORT (real variables win).
import { spawn } from 'node:child_process';
import { atlasEnv, locateAtlas } from './locate.mjs';
import { loadDotenv } from '../config/dotenv.mjs';
import { repoRoot } from '../project/paths.mjs';

loadDotenv(repoRoot);

const found = locateAtlas();
if (found.path === null) {
  console.error(found.problem);
  process.exit(127);
}
const child = spawn(found.path, process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, ...atlasEnv },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
