#!/usr/bin/env node
// `npx atlas …`: runs the pinned Atlas binary with the update checks off.
import { spawn } from 'node:child_process';
import { atlasEnv, findAtlas, missingAtlasMessage } from './locate.mjs';

const binary = findAtlas();
if (!binary) {
  console.error(missingAtlasMessage());
  process.exit(127);
}
const child = spawn(binary, process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, ...atlasEnv },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
