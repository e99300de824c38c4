import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The typed client's types (src/client/api-types.ts) come from the OpenAPI
 * document, which comes from the routes and the API shapes db:types writes.
 * So whatever regenerates the shapes (db:diff) must regenerate the client,
 * and whatever checks the shapes are fresh (db:check) must check the
 * client too: otherwise `db:check` passes while `npm test` fails on it.
 *
 * The script runs in a child process of the project at `root`: the document
 * is built from the modules as they are on disk now (in this process the
 * shapes module may have been loaded before db:diff rewrote it).
 */
export const clientTypesFile = path.join('src', 'client', 'api-types.ts');
const script = path.join('src', 'commands', 'client-types.ts');

export interface ClientTypesRun {
  code: number;
  output: string;
}

/**
 * Whether the project at `root` can make its client types: its code and
 * node_modules are there (a copy of just the schema files cannot).
 */
export function canMakeClientTypes(root: string): boolean {
  return existsSync(path.join(root, script)) && existsSync(path.join(root, 'node_modules', '.bin', 'tsx'));
}

/** `npm run client:types` (write) or its `--check` (compare only), in the project at `root`. */
export function runClientTypes(root: string, mode: 'write' | 'check'): Promise<ClientTypesRun> {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [script, ...(mode === 'check' ? ['--check'] : [])], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}
