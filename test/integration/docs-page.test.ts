import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startAppOnNewDatabase, type TestApp } from '../support/app.ts';
import { launchChromium, type Chromium } from '../support/chromium.ts';
import { CHROMIUM, requireOptionalProgram } from '../support/optional-program.ts';
import { createNetns, type Netns } from '../support/netns.ts';

/**
 * GET /docs in a real browser (Debian's chromium, driven by playwright-core):
 * Swagger UI must load its assets under the app's CSP, fetch /openapi.json
 * and render every operation, with no console error and no CSP violation.
 * Twice: over loopback, and from another network namespace at a 10.x
 * address, where a browser gives plain HTTP no loopback exemption (the CSP's
 * `upgrade-insecure-requests` used to send every asset to https there, and
 * the page was blank). The screenshots land in .test-output/ for a human.
 */

/**
 * Opens /docs at `baseUrl` and checks that Swagger UI works there; screenshot
 * to `screenshot`. `harmlessConsole`: console messages known to be harmless
 * there (chromium prints them or not depending on what it loaded before).
 */
async function expectDocsPageWorks(
  context: BrowserContext,
  baseUrl: string,
  screenshot: string,
  harmlessConsole: RegExp[] = [],
): Promise<void> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (!harmlessConsole.some((pattern) => pattern.test(message.text()))) problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  const responses: { url: string; status: number }[] = [];
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
  // CSP violations are reported to the page as events (and as console errors);
  // collect them explicitly too, before any of the page's scripts run.
  await page.addInitScript({
    content: `window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });

  const response = await page.goto(`${baseUrl}/docs`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

  await page.locator('.opblock').first().waitFor({ state: 'visible' });
  const operations = (await page.locator('.opblock-summary').evaluateAll((blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent?.trim();
      const route = block.querySelector('.opblock-summary-path')?.getAttribute('data-path');
      return `${method} ${route}`;
    }),
  )) as string[];
  expect([...operations].sort()).toEqual(
    [
      'GET /authors',
      'POST /authors',
      'GET /authors/{id}',
      'GET /authors/{id}/with-books',
      'PATCH /authors/{id}',
      'DELETE /authors/{id}',
      'GET /books',
      'POST /books',
      'GET /books/by-id/{id}',
      'GET /books/by-id/{id}/with-author',
      'PATCH /books/by-id/{id}',
      'DELETE /books/by-id/{id}',
      'GET /books/{author_id}',
      'GET /healthz',
      'GET /readyz',
    ].sort(),
  );
  await expect.poll(() => page.locator('.info .title').textContent()).toContain('bookshelf');

  // Open one operation: its parameters and schemas render too.
  await page.locator('.opblock-summary', { hasText: '/books/{author_id}' }).first().click();
  await page.locator('.opblock.is-open .parameters').first().waitFor({ state: 'visible' });
  expect(await page.locator('.opblock.is-open .parameter__name').allTextContents()).toEqual(
    expect.arrayContaining([expect.stringContaining('author_id')]),
  );

  // "Try it out" runs a real request from the page (CSP connect-src must allow it).
  await page.locator('.opblock.is-open .try-out__btn').click();
  await page.locator('.opblock.is-open input[placeholder="author_id"]').fill('1');
  await page.locator('.opblock.is-open .execute').click();
  await page.locator('.opblock.is-open .live-responses-table tbody .response-col_status').first().waitFor({ state: 'visible' });
  expect((await page.locator('.opblock.is-open .live-responses-table tbody .response-col_status').first().textContent())?.trim()).toBe(
    '200',
  );

  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  const violations = await page.evaluate<string[]>('window.cspViolations');
  expect(violations).toEqual([]);
  expect({ problems, failed: responses.filter((r) => r.status >= 400) }).toEqual({ problems: [], failed: [] });
  expect(responses.filter((r) => r.status >= 400)).toEqual([]);
  expect(responses.map((r) => new URL(r.url).pathname)).toEqual(
    expect.arrayContaining(['/docs', '/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/init.js', '/openapi.json']),
  );
  // Everything came from the app itself: no CDN, no third party.
  expect(responses.filter((r) => !r.url.startsWith(baseUrl) && !r.url.startsWith('data:'))).toEqual([]);
  await page.close();
}

/** Without a Chromium both parts skip, saying so (CI=true: fail); vitest then runs none of their hooks. */
const chromiumPath = requireOptionalProgram(CHROMIUM);

describe.skipIf(!chromiumPath)('over loopback', () => {
  let app: TestApp;
  let browser: Chromium;
  beforeAll(async () => {
    // With tokens: the document declares bearerAuth (and the page its Authorize button) only where the server enforces it.
    app = await startAppOnNewDatabase({ seeded: false, auth: { tokens: ['tok-from-the-docs-page-0123456789'] } });
    browser = await launchChromium({ executablePath: chromiumPath! });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('GET /docs renders every operation in Swagger UI, with no console error or CSP violation', async () => {
    await expectDocsPageWorks(browser.context, app.baseUrl, path.resolve('.test-output/docs.png'));
  });

  it('Authorize takes a bearer token, and Try it out sends it with a write', async () => {
    const token = 'tok-from-the-docs-page-0123456789';
    const page = await browser.context.newPage();
    await page.goto(`${app.baseUrl}/docs`);
    await page.locator('.auth-wrapper button.authorize').click();
    await page.locator('.modal-ux input').first().fill(token);
    await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
    await page.locator('.modal-ux .auth-btn-wrapper button.btn-done').click();
    const post = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path[data-path="/authors"]') });
    await post.locator('.opblock-summary').click();
    await post.locator('button.try-out__btn').click();
    await post.locator('textarea.body-param__text').fill('{"name": "From the docs page"}');
    const sent = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/authors');
    await post.locator('button.execute').click();
    expect((await sent).headers().authorization).toBe(`Bearer ${token}`);
    await page.close();
  });
});

describe.skipIf(!chromiumPath)('from an address that is not loopback (a network namespace), over plain HTTP', () => {
  let netns: Netns;
  let app: TestApp;
  let browser: Chromium;
  beforeAll(async () => {
    netns = await createNetns();
    app = await startAppOnNewDatabase({ seeded: false, host: netns.hostAddress });
    browser = await launchChromium({ executablePath: chromiumPath!, wrap: ['ip', 'netns', 'exec', netns.name] });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await netns?.remove();
  });

  it('the CSP does not upgrade requests to https', async () => {
    const response = await fetch(`${app.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });

  /**
   * Two headers of helmet's take effect only on a trustworthy origin (https
   * or loopback); over plain HTTP elsewhere chromium says it ignores them,
   * and nothing else changes. They stay for deployments behind TLS.
   */
  const ignoredOverPlainHttp = [
    /^The Cross-Origin-Opener-Policy header has been ignored, because the URL's origin was untrustworthy/,
    /^The page requested an origin-keyed agent cluster using the Origin-Agent-Cluster header, but could not be origin-keyed/,
  ];

  it('GET /docs renders every operation, as it does over loopback', async () => {
    expect(app.baseUrl).toMatch(/^http:\/\/10\./);
    await expectDocsPageWorks(browser.context, app.baseUrl, path.resolve('.test-output/docs-remote.png'), ignoredOverPlainHttp);
  });
});

/**
 * CORS in a real browser: a page served by a second HTTP server (another
 * port, so another origin) calls the API with fetch. The app allows only the
 * first page server's origin (CORS_ORIGINS); a page on a third origin is
 * refused by the browser, as every origin is when CORS_ORIGINS is unset.
 */
describe.skipIf(!chromiumPath)('CORS from a page on another origin', () => {
  let app: TestApp;
  let browser: Chromium;
  const pageServers: Server[] = [];
  let allowedOrigin: string;
  let otherOrigin: string;

  /** A page server on a port of its own: a blank page, no CSP, so the page may call anything. */
  async function pageServer(): Promise<string> {
    const server = createServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'),
    );
    pageServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    allowedOrigin = await pageServer();
    otherOrigin = await pageServer();
    app = await startAppOnNewDatabase({ seeded: true, corsOrigins: [allowedOrigin] });
    browser = await launchChromium({ executablePath: chromiumPath! });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    for (const server of pageServers) await new Promise((resolve) => server.close(resolve));
  });

  /** From a page at `origin`: list one author (reading Link), then create one (a preflighted JSON write). */
  async function fromPage(origin: string) {
    const page = await browser.context.newPage();
    await page.goto(origin);
    const result = await page.evaluate(async (api) => {
      const attempt = async (run: () => Promise<Response>) => {
        try {
          const response = await run();
          return {
            status: response.status,
            link: response.headers.get('link'),
            location: response.headers.get('location'),
            body: await response.json(),
          };
        } catch (error) {
          return { error: String(error) };
        }
      };
      return {
        list: await attempt(() => fetch(`${api}/authors?limit=1`)),
        create: await attempt(() =>
          fetch(`${api}/authors`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'From the browser' }),
          }),
        ),
      };
    }, app.baseUrl);
    await page.close();
    return result;
  }

  it('the allowed origin reads lists (with Link) and writes (after a preflight)', async () => {
    const { list, create } = await fromPage(allowedOrigin);
    expect(list).toMatchObject({ status: 200, link: expect.stringContaining('rel="next"'), body: [{ name: 'J.R.R. Tolkien' }] });
    expect(create).toMatchObject({ status: 201, location: expect.stringMatching(/^\/authors\/\d+$/), body: { name: 'From the browser' } });
  });

  it('another origin is refused by the browser, and its write never reaches the database', async () => {
    const before = (await call(app, 'GET', '/authors?limit=200')).body.length;
    const { list, create } = await fromPage(otherOrigin);
    expect(list).toEqual({ error: expect.stringContaining('Failed to fetch') });
    expect(create).toEqual({ error: expect.stringContaining('Failed to fetch') });
    expect((await call(app, 'GET', '/authors?limit=200')).body.length).toBe(before);
  });
});
