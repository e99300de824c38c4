import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopEmbedded } from '../src/db/embedded.ts';
import { freePort } from './support/free-port.ts';
import { runEntrypoint } from './support/process.ts';

/**
 * What `npm start` checks before it does anything slow or lasting, run as
 * the real entry point (src/main.ts) in its own process.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-start-'));
/** Clusters a failing check would have left running. */
const dataDirs: string[] = [];
afterAll(async () => {
  for (const dataDir of dataDirs) await stopEmbedded({ dataDir });
  rmSync(dir, { recursive: true, force: true });
});

function listenOn(host: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

describe('npm start when PORT is in use', () => {
  it.each([
    ['0.0.0.0 (the default), another program on 127.0.0.1', '0.0.0.0'],
    ['127.0.0.1, the same address', '127.0.0.1'],
  ])('HOST %s: says so at once, naming PORT and HOST, before starting or migrating a database', async (_case, host) => {
    const other = await listenOn('127.0.0.1');
    const { port } = other.address() as AddressInfo;
    const dataDir = path.join(dir, `pg-${port}`);
    dataDirs.push(dataDir);
    try {
      const server = runEntrypoint('src/main.ts', {
        PORT: String(port),
        HOST: host,
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
      });
      expect((await server.exited).code).toBe(1);
      expect(server.stderr()).toBe(
        `Cannot listen on PORT ${port} on HOST ${host}: another program (maybe another \`npm start\`) is using it.\n` +
          `Stop it, or start on another port: PORT=8000 npm start (or set PORT in .env).\n`,
      );
      // Nothing else happened: no log line, no Postgres cluster created.
      expect(server.output()).toBe(server.stderr());
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
