import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `node --import tsx print-openapi.ts <project root>`: prints the OpenAPI
 * document that the project's src/http/app.ts serves, as JSON, without a
 * database. The review report runs it on the working tree and on a copy of
 * the base commit's src/, so each document comes from its own code and
 * generated api-shapes, not from this checkout's.
 */
const root = path.resolve(process.argv[2] ?? '.');
const app = (await import(pathToFileURL(path.join(root, 'src', 'http', 'app.ts')).href)) as {
  apiDocument: (routes: unknown[]) => unknown;
  routes: (db: unknown) => unknown[];
};
/** Documentation needs the routes, not a database: any query would throw. */
const noDatabase = new Proxy(
  {},
  {
    get: () => {
      throw new Error('documentation only: no database');
    },
  },
);
process.stdout.write(`${JSON.stringify(app.apiDocument(app.routes(noDatabase)), null, 2)}\n`);
