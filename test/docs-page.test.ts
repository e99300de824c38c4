import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, requireOptionalProgram } from './support/optional-program.ts';
import { startAppOnNewDatabase, type TestApp } from './support/app.ts';

/**
 * GET /docs in a real browser (a Chromium: CHROME_PATH, else chromium,
 * chromium-browser or google-chrome on PATH; driven by playwright-core):
 * Swagger UI must load its assets under the app's CSP, fetch /openapi.json
 * and render every operation, with no console error and no CSP violation.
 * The screenshot lands in .test-output/docs.png for a human to look at.
 * Without a Chromium the test skips, saying so (CI=true: fails); with its
 * only test skipped, vitest runs none of the file's hooks either.
 */
const chromiumPath = requireOptionalProgram(CHROMIUM);
const screenshot = path.resolve('.test-output/docs.png');
let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  app = await startAppOnNewDatabase({ seeded: false });
  profile = mkdtempSync(path.join(tmpdir(), 'bookshelf-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 2000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = context.browser()!;
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await app?.close();
});

it.skipIf(!chromiumPath)('GET /docs renders every operation in Swagger UI, with no console error or CSP violation', async () => {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
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

  const response = await page.goto(`${app.baseUrl}/docs`);
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
      'PATCH /authors/{id}',
      'DELETE /authors/{id}',
      'GET /books',
      'POST /books',
      'GET /books/by-id/{id}',
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
  expect((await page.locator('.opblock.is-open .live-responses-table tbody .response-col_status').first().textContent())?.trim()).toBe('200');

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
  expect(responses.filter((r) => !r.url.startsWith(app.baseUrl) && !r.url.startsWith('data:'))).toEqual([]);
  await page.close();
});
