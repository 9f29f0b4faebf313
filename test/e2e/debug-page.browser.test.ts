import os from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axios from 'axios';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/cli/sandbox-session.js';
import { silentLogger } from '../../src/observability/logger.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror=alert(1)>';
// The committed docs/debug-page.png is refreshed only on request, so a test run leaves the work tree clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'debug-page.png')
  : path.join(os.tmpdir(), 'jumpcloud-scim-bridge-debug-page.png');

describe('e2e: debug page in a real browser (Debian chromium)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // Deliberately a failure, not a skip: CI installs it, and a silently skipped browser test proves nothing.
      throw new Error(`${CHROMIUM} is missing. Install it with: apt-get update && apt-get install -y chromium`);
    }
    sandbox = await startSandbox({}, { PORT: '0', DEBUG_PAGE: 'true', LOG_LEVEL: 'error' }, silentLogger());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('lists exchanges newest first, shows hostile values as text, never shows the key, and updates live', async () => {
    const scim = axios.create({
      baseURL: sandbox.tenantUrl,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/scim+json' },
    });
    const created = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'mallory.hacker',
      displayName: HOSTILE,
      name: { givenName: '"><script>alert(2)</script>', familyName: 'Hacker' },
      emails: [{ value: 'mallory.hacker@example.com', type: 'work', primary: true }],
    });
    expect(created.status, JSON.stringify(created.data)).to.equal(201);
    expect((await scim.get('/Users?filter=userName+eq+%22mallory.hacker%22')).status).to.equal(200);
    expect((await scim.post('/Users', { userName: '1bad', emails: [{ value: 'bad@example.com' }] })).status).to.equal(400);
    const last = await scim.get(`/Users/${String(created.data.id)}`);
    expect(last.status).to.equal(200);

    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    const response = await page.goto(sandbox.debugUrl ?? '');
    expect(response?.status()).to.equal(200);
    expect(response?.headers()['content-security-policy']).to.match(/default-src 'self'/);

    const headers = page.locator('article.exchange > header');
    expect(await headers.count()).to.equal(4);
    // Newest first: the GET by id came last.
    expect(await headers.nth(0).locator('.method').textContent()).to.equal('GET');
    expect(await headers.nth(0).locator('.url').textContent()).to.equal(`/scim/v2/Users/${String(created.data.id)}`);
    expect(await headers.nth(3).locator('.method').textContent()).to.equal('POST');
    expect(await headers.nth(3).locator('.status').textContent()).to.equal('201');
    expect(await page.locator('article.exchange').nth(3).locator('li.upstream').count()).to.equal(2);
    expect(await page.locator('article.exchange').nth(1).locator('.status').first().textContent()).to.equal('400');

    // The hostile values are on the page as text, and nothing was injected.
    await page.locator('article.exchange').nth(3).locator('details > summary').first().click();
    const shown = await page.locator('article.exchange').nth(3).locator('details pre').first().textContent();
    expect(shown).to.contain(HOSTILE);
    expect(shown).to.contain('"><script>alert(2)</script>');
    expect(await page.locator('main img').count()).to.equal(0);
    expect(await page.locator('script').count()).to.equal(1);
    expect(dialogs).to.deep.equal([]);

    const html = await page.content();
    expect(html).to.not.contain(sandbox.apiKey);
    expect(html).to.contain('&lt;img src=x onerror=alert(1)&gt;');

    // The live view: a request made after the page loaded appears at the top without a reload.
    await scim.get('/Users?count=1');
    await page.locator('article.exchange').nth(4).waitFor();
    expect(await headers.nth(0).locator('.url').textContent()).to.equal('/scim/v2/Users?count=1');
    expect(await page.locator('#state').textContent()).to.match(/^live/);
    expect(cspErrors).to.deep.equal([]);
    expect(await page.content()).to.not.contain(sandbox.apiKey);

    const json = await page.request.get(`${sandbox.debugUrl ?? ''}/exchanges`);
    expect(await json.text()).to.not.contain(sandbox.apiKey);

    // Open the JumpCloud bodies of the create for the screenshot.
    for (const summary of await page.locator('article.exchange').nth(4).locator('li.upstream details > summary').all()) await summary.click();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).to.equal(true);

    const mapping = await page.goto(`${sandbox.debugUrl ?? ''}/mapping`);
    expect(mapping?.status()).to.equal(200);
    expect(await page.locator('table').first().locator('tbody tr').count()).to.be.greaterThan(10);
    expect(await page.content()).to.contain('attributes.scimExternalId');
    await page.close();
  });
});
