import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * GET /docs: Swagger UI over /openapi.json, served from the swagger-ui-dist
 * package (no CDN, and no inline script, so the strict CSP holds).
 */
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>bookshelf API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/**
 * The files of swagger-ui-dist that the page loads, and nothing else: the
 * package also holds its package.json, README, a stock index.html and source
 * maps, which are no business of this server's.
 */
const assets = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

/** Every path the docs router serves (GET). */
export const docsPaths = ['/docs', '/docs/init.js', ...assets.map((file) => `/docs/assets/${file}`)];

export function docsPage(): Router {
  const router = express.Router();
  router.get('/docs', (_req, res) => void res.type('html').send(page));
  router.get('/docs/init.js', (_req, res) => void res.type('js').send(init));
  for (const file of assets) {
    router.get(`/docs/assets/${file}`, (_req, res, next) => res.sendFile(file, { root: swaggerUiDir }, (error) => error && next(error)));
  }
  return router;
}
