import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startStack, type Stack } from './stack.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const TWENTY_FIVE = 'abcdefghijklmnopqrstuvwxy';
const UPNS = ['12345678@uni.example', "o'neil@x.example", `${TWENTY_FIVE}@long.example`];

const entraUser = (userName: string): Record<string, unknown> => ({
  schemas: [CORE],
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: userName.replace("'", '') }],
});
const byUserName = (userName: string): string => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** The shipped mapping file plus a username rule. */
function mappingWithRule(rule: Record<string, unknown>): string {
  const shipped = JSON.parse(readFileSync(path.join('config', 'mapping.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'username-rule-')), 'mapping.json');
  writeFileSync(file, JSON.stringify({ ...shipped, usernameRule: rule }));
  return file;
}

describe('e2e: usernames JumpCloud would refuse never reach it (derive mode)', function () {
  describe('without a username rule', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
    });
    after(() => stack.close());

    it('refuses a UPN whose local part starts with a digit, holds other characters or has 25 characters: 400 naming the rule and the fix, nothing sent', async () => {
      for (const [upn, rule, fix] of [
        ['12345678@uni.example', /must start with a letter/, /Join\("", "u", \[mailNickname\]\).*prefixLeadingDigit/],
        ["o'neil@x.example", /only letters, digits, "\.", "_" and "-"/, /Replace\(\[mailNickname\].*replaceDisallowed/],
        [
          UPNS[2] as string,
          /at most 20 characters for Windows logins/,
          /Left\(\[mailNickname\], 20\).*"maxLength": 20/,
        ],
      ] as const) {
        const before = stack.emulator.requests.length;
        const res = await stack.scim.post('/Users', entraUser(upn));
        expect(res.status, upn).to.equal(400);
        expect(res.data.scimType).to.equal('invalidValue');
        expect(res.data.detail).to.match(rule).and.match(fix).and.contain(JSON.stringify(upn));
        // The only call allowed is forward mode's proof that the key works (a GET), never a search or a write.
        const sent = stack.emulator.requests.slice(before).filter((r) => r.method !== 'GET');
        expect(sent, 'no JumpCloud search or write').to.deep.equal([]);
      }
    });
  });

  describe('with "usernameRule": {prefixLeadingDigit "u", replaceDisallowed "_", maxLength 20}', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({
        MAPPING_FILE: mappingWithRule({ prefixLeadingDigit: 'u', replaceDisallowed: '_', maxLength: 20 }),
      });
    });
    after(() => stack.close());

    it('creates a JumpCloud user whose username keeps every documented rule, and userName eq reads the UPN back', async () => {
      const expected = ['u12345678', 'o_neil', TWENTY_FIVE.slice(0, 20)];
      for (const [i, upn] of UPNS.entries()) {
        const created = await stack.scim.post('/Users', entraUser(upn));
        expect(created.status, JSON.stringify(created.data)).to.equal(201);
        expect(created.data.userName).to.equal(upn);
        const stored = stack.emulator.store.users.get(String(created.data.id));
        expect(stored?.username).to.equal(expected[i]);
        expect(stored?.username).to.match(/^[A-Za-z][A-Za-z0-9._-]{0,19}$/);
        const found = await stack.scim.get(byUserName(upn));
        expect(found.data.totalResults, upn).to.equal(1);
        expect(found.data.Resources[0]).to.deep.include({ id: created.data.id, userName: upn });
      }
    });
  });

  describe('with "usernameRule": {maxLength 30} (Mac and Linux logins only)', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ MAPPING_FILE: mappingWithRule({ maxLength: 30 }) });
    });
    after(() => stack.close());

    it('stores a 25-character local part and warns that Windows logins take 20', async () => {
      const res = await stack.scim.post('/Users', entraUser(UPNS[2] as string));
      expect(res.status, JSON.stringify(res.data)).to.equal(201);
      expect(stack.emulator.store.users.get(String(res.data.id))?.username).to.equal(TWENTY_FIVE);
      const notes = stack.exchanges.flatMap((e) => e.notes ?? []);
      expect(notes.some((n) => n.kind === 'usernameWindows' && /at most 20/.test(n.message))).to.equal(true);
    });
  });
});
