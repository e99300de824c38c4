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

export function docsPage(): Router {
  const router = express.Router();
  router.get('/docs', (_req, res) => void res.type('html').send(page));
  router.get('/docs/init.js', (_req, res) => void res.type('js').send(init));
  router.use('/docs/assets', express.static(swaggerUiDir, { index: false }));
  return router;
}
