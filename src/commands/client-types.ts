import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { apiDocument, routes } from '../http/app.ts';
import { projectPath, repoRoot } from '../project/paths.mjs';

/**
 * `npm run client:types`: writes src/client/api-types.ts, the TypeScript
 * types of the OpenAPI document (openapi-typescript), for a typed client
 * (openapi-fetch; see docs/api.md). `--check` only compares and fails when
 * the file is stale (test/integration/client.test.ts checks the same).
 */
export const typesPath = projectPath(repoRoot, 'clientTypes');

const banner = `/**
 * The bookshelf API's types, generated from its OpenAPI document by openapi-typescript
 * (\`npm run client:types\`). Do not edit: change the routes and run the script again.
 */
`;

/** The types file's text, from the document the server serves (default settings). */
export async function clientTypes(): Promise<string> {
  // The document needs the routes, not a database: no handler runs here.
  const document = apiDocument(routes({} as never));
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0]);
  return banner + astToString(ast);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const types = await clientTypes();
  if (process.argv.includes('--check')) {
    if (readFileSync(typesPath, 'utf8') !== types) {
      console.error(`${path.relative(process.cwd(), typesPath)} is stale: run \`npm run client:types\`.`);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), typesPath)} matches the OpenAPI document.`);
  } else {
    writeFileSync(typesPath, types);
    console.log(`${path.relative(process.cwd(), typesPath)} written from the OpenAPI document.`);
  }
}
