import os from 'node:os';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/cli/sandbox-session.js';
import { silentLogger } from '../../src/observability/logger.js';
import { CHROMIUM_PATH as CHROMIUM, describeNeeding } from '../helpers/system-binaries.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
// Poll on a timer: animation frames are not guaranteed in a headless page.
const POLL = { polling: 100 };
const HOSTILE = '<img src=x onerror=alert(1)>';
// The committed docs/debug-page.png is refreshed only on request, so a test run leaves the work tree clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'debug-page.png')
  : path.join(os.tmpdir(), 'jumpcloud-scim-bridge-debug-page.png');

/** What an injected script or a CSP violation would leave behind: dialogs it opened, the console's CSP reports. */
function watch(page: Page): { dialogs: string[]; cspErrors: string[] } {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return { dialogs, cspErrors };
}

describeNeeding('chromium', 'e2e: debug page in a real browser (Debian chromium)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // With CI set the suite runs anyway, and a missing browser is a failure: a skipped browser test proves nothing.
      throw new Error(`${CHROMIUM} is missing. Install it with: apt-get update && apt-get install -y chromium`);
    }
    sandbox = await startSandbox({}, { PORT: '0', DEBUG_PAGE: 'true', LOG_LEVEL: 'error' }, silentLogger());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    expect((await scim.post('/Users', { userName: '1bad', emails: [{ value: 'bad@example.com' }] })).status).to.equal(
      400,
    );
    const last = await scim.get(`/Users/${String(created.data.id)}`);
    expect(last.status).to.equal(200);

    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    const { dialogs, cspErrors } = watch(page);

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
    // The create is one JumpCloud call: no uniqueness search before it.
    expect(await page.locator('article.exchange').nth(3).locator('li.upstream').count()).to.equal(1);
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

    const mapping = await page.goto(`${sandbox.debugUrl ?? ''}/mapping`);
    expect(mapping?.status()).to.equal(200);
    expect(await page.locator('table').first().locator('tbody tr').count()).to.be.greaterThan(10);
    expect(await page.content()).to.contain('attributes.scimExternalId');
    await page.close();
  });

  it('a mapping-debugging session: 200 exchanges, the one that failed for jane in two clicks, its mapping, curl without the key, export and replay', async () => {
    const scim: AxiosInstance = axios.create({
      baseURL: sandbox.tenantUrl,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/scim+json' },
    });
    const fill = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i += 10)
        await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, (_, j) => scim.get(`/Users?count=1&startIndex=${i + j + 1}`)),
        );
    };
    await fill(120);
    const jane = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'jane.doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      emails: [{ value: 'jane.doe@example.com', type: 'work', primary: true }],
      externalId: 'c3a1f6e2-0000-4000-8000-00000000000a',
    });
    expect(jane.status, JSON.stringify(jane.data)).to.equal(201);
    const janeId = String(jane.data.id);
    const group = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Sales ${HOSTILE}`,
    });
    expect(group.status, JSON.stringify(group.data)).to.equal(201);
    // Someone else's failure (so "errors only" alone does not find jane's) and jane's successes (so her name alone does not).
    const ada = (await scim.get('/Users?filter=userName+eq+%22ada.lovelace%22')).data.Resources[0];
    const badEmail = (value: string) => ({ op: 'replace', path: 'emails[type eq "work"].value', value });
    expect(
      (await scim.patch(`/Users/${String(ada.id)}`, { schemas: [PATCH_OP], Operations: [badEmail('ada at example')] }))
        .status,
    ).to.equal(400);
    expect((await scim.get(`/Users/${janeId}`)).status).to.equal(200);
    const failed = await scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH_OP],
      Operations: [badEmail('jane at example'), { op: 'replace', path: 'name.givenName', value: 'Janet' }],
    });
    expect(failed.status).to.equal(400);
    // A full buffer, with jane's failure somewhere in the middle of it.
    await fill(70);
    const buffer = sandbox.bridge.debug?.buffer;
    expect(buffer?.size).to.equal(200);

    const context = await (browser as Browser).newContext({
      viewport: { width: 1280, height: 900 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const { dialogs, cspErrors } = watch(page);
    await page.goto(sandbox.debugUrl ?? '');
    const cards = page.locator('article.exchange');
    expect(await cards.count()).to.equal(200);

    // Pause: a new request does not appear; resume: it does.
    await page.click('#pause');
    expect(await page.locator('#pause').textContent()).to.equal('resume');
    const topBefore = await cards.first().getAttribute('data-seq');
    expect((await scim.get('/Users?count=2')).status).to.equal(200);
    await page.waitForTimeout(2600);
    expect(await cards.first().getAttribute('data-seq')).to.equal(topBefore);
    await page.click('#pause');
    // Functions run inside the page (the test compiles without DOM types); strings would need eval, which the CSP forbids.
    await page.waitForFunction(
      (seq) => (globalThis as any).document.querySelector('article.exchange')?.getAttribute('data-seq') !== seq,
      topBefore,
      POLL,
    );
    expect(await cards.first().locator('.url').textContent()).to.equal('/scim/v2/Users?count=2');

    // Typing her name is not a click; "errors only" is click 1, and there it is, with the rule and the fix.
    await page.fill('#q', 'jane');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('article.exchange').length < 10,
      undefined,
      POLL,
    );
    await page.click('#errors');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('article.exchange').length === 1,
      undefined,
      POLL,
    );
    // Pinned by its sequence number: live updates may put newer exchanges above it (the curl below makes one).
    const card = page.locator(`article.exchange[data-seq="${(await cards.first().getAttribute('data-seq')) ?? ''}"]`);
    expect(await card.locator('header .method').textContent()).to.equal('PATCH');
    expect(await card.locator('header .status').textContent()).to.equal('400');
    expect(await card.locator('p.rule .detail').textContent()).to.equal(failed.data.detail);
    expect(failed.data.detail).to.match(/email must be a valid e-mail address/);
    expect(await page.locator('#count').textContent()).to.equal('1 shown');

    // Click 2 opens its mapping: before and after of each attribute the PATCH touched.
    await card.locator('details.mapping > summary').click();
    const mapRow = (scimPath: string) =>
      card.locator('table.map tbody tr', { has: page.locator(`td:first-child:text-is("${scimPath}")`) });
    expect(await mapRow('name.givenName').locator('td').allTextContents()).to.deep.equal([
      'name.givenName',
      'firstname [plain]',
      '"Jane"',
      '"Janet"',
      'firstname="Janet"',
      '(JumpCloud refused the write: 400)',
    ]);
    const emailCells = await mapRow('emails').locator('td').allTextContents();
    expect(emailCells[2]).to.contain('"jane.doe@example.com"');
    expect(emailCells[3]).to.contain('"jane at example"');
    expect(emailCells.slice(4)).to.deep.equal(['email="jane at example"', '(JumpCloud refused the write: 400)']);
    expect(await card.locator('table.map').isVisible()).to.equal(true);

    // Hold the list still while reproducing (the curl below adds a new failure for jane).
    await page.click('#pause');
    // Copy as curl: the key is a shell variable, never the key; run as printed, it reproduces the failure.
    await card.locator('button[data-copy="curl"]').click();
    await card.locator('pre.copied[data-kind="curl"]').waitFor();
    const curl = (await card.locator('pre.copied').textContent()) ?? '';
    expect(curl).to.contain('-H "Authorization: Bearer $JUMPCLOUD_API_KEY"');
    expect(curl).to.contain(`-X PATCH '${sandbox.tenantUrl}/Users/${janeId}'`);
    expect(curl).to.not.contain(sandbox.apiKey);
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).to.equal(curl);
    const replayedByCurl = await run('sh', ['-c', curl], {
      env: { ...process.env, JUMPCLOUD_API_KEY: sandbox.apiKey },
    });
    expect(JSON.parse(replayedByCurl.stdout)).to.deep.include({ status: '400', detail: failed.data.detail });

    // Copy as explain: a replay command on standard input, in the CLI's key-free style.
    await card.locator('button[data-copy="explain"]').click();
    await card.locator('pre.copied[data-kind="explain"]').waitFor();
    const explainText = (await card.locator('pre.copied').textContent()) ?? '';
    expect(explainText.split('\n')[0]).to.equal("npm run --silent explain -- --replay - <<'SCIM_EXCHANGE'");
    expect(explainText).to.not.contain(sandbox.apiKey);

    // Export what is shown, then replay the file through explain: the same rule and fix come back.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).to.match(/^scim-exchanges-.*\.json$/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'debug-export-'));
    try {
      const file = path.join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const text = readFileSync(file, 'utf8');
      expect(text).to.not.contain(sandbox.apiKey);
      const exported = JSON.parse(text);
      expect(exported).to.deep.include({ format: 'jumpcloud-scim-bridge/exchanges', version: 1 });
      expect(
        exported.exchanges.map((x: { method: string; url: string; status: number }) => [x.method, x.url, x.status]),
      ).to.deep.equal([['PATCH', `/scim/v2/Users/${janeId}`, 400]]);
      const replay = await run(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'explain', '--replay', file],
        { cwd: ROOT },
      );
      expect(replay.stdout).to.contain('Emulator seeded from the export: 1 user, 0 groups');
      expect(replay.stdout).to.contain(`Rule and fix: ${String(failed.data.detail)}`);
      expect(replay.stdout).to.contain('Replay: 400, as recorded.');
      expect(replay.stdout).to.match(
        /^\s+name\.givenName\s+firstname \[plain\]\s+"Jane" → "Janet" → firstname="Janet" → stored \(JumpCloud refused the write: 400\)$/m,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The hostile group name is a chip with text, not markup; nothing ran.
    await page.fill('#q', 'Sales');
    await page.click('#errors');
    await page.waitForFunction(
      () =>
        (globalThis as any).document.querySelectorAll('article.exchange').length >= 1 &&
        !(globalThis as any).document.querySelector('#errors:checked'),
      undefined,
      POLL,
    );
    expect(await page.locator('button.subject', { hasText: 'Sales' }).first().textContent()).to.equal(
      `group Sales ${HOSTILE}`,
    );
    expect(await page.locator('main img').count()).to.equal(0);
    expect(await page.locator('script').count()).to.equal(1);
    expect(dialogs).to.deep.equal([]);
    expect(cspErrors).to.deep.equal([]);

    // The picture in the docs: jane's exchanges, the failed PATCH with its mapping and the create's mapping open.
    await page.fill('#q', 'jane.doe');
    await page.waitForFunction(
      () => {
        const shown = [...(globalThis as any).document.querySelectorAll('article.exchange')];
        return shown.length > 0 && shown.length < 10 && shown.every((a: any) => a.textContent.includes('jane.doe'));
      },
      undefined,
      POLL,
    );
    for (const summary of await page.locator('article.exchange details.mapping > summary').all()) await summary.click();
    // (The newest failure is the PATCH curl just replayed.)
    await page.locator('article.exchange.failed button[data-copy="curl"]').first().click();
    await page.locator('article.exchange.failed pre.copied[data-kind="curl"]').first().waitFor();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).to.equal(true);
    expect(await page.content()).to.not.contain(sandbox.apiKey);
    await context.close();
  });
});
