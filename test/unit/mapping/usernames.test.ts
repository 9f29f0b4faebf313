import { expect } from 'chai';
import {
  applyUsernameRule,
  checkUsername,
  parseUsernameRule,
  windowsUsernameWarning,
} from '../../../src/mapping/usernames.js';
import { codecs, usernameFor } from '../../../src/mapping/codecs.js';

describe('mapping/usernames: JumpCloud username rules and the mapping file username rule', () => {
  it('refuses each documented rule with the rule and an Entra expression that fixes it', () => {
    for (const [username, userName, detail] of [
      ['a@b', 'a@b', /must not contain "@".*mailNickname/],
      ['a b', 'a b', /must not contain spaces/],
      [
        '1abc',
        '1abc@x.example',
        /userName "1abc@x.example" \(JumpCloud username "1abc"\).*must start with a letter.*Join\("", "u", \[mailNickname\]\)/,
      ],
      [
        "o'neil",
        "o'neil@x.example",
        /only letters, digits, "\.", "_" and "-".*Replace\(\[mailNickname\], , "\[\^A-Za-z0-9\._-\]"/,
      ],
      ['a'.repeat(31), undefined, /at most 30 characters.*Left\(\[mailNickname\], 20\).*"maxLength": 20/],
      [
        'a'.repeat(25),
        `${'a'.repeat(25)}@x.example`,
        /at most 20 characters for Windows logins \(Mac and Linux logins take 30\).*Left\(\[mailNickname\], 20\).*"maxLength": 20.*"maxLength": 30/,
      ],
    ] as const) {
      expect(() => checkUsername(username, userName), username).to.throw(detail);
    }
    for (const ok of ['a', 'a.b_c-d9', 'a'.repeat(20)]) expect(() => checkUsername(ok, ok)).to.not.throw();
  });

  it("a rule's maxLength above 20 lets a username up to it through (Mac and Linux only), never above 30", () => {
    expect(() => checkUsername('a'.repeat(25), undefined, 30)).to.not.throw();
    expect(() => checkUsername('a'.repeat(25), undefined, 24)).to.throw(/at most 20 characters for Windows logins/);
    expect(() => checkUsername('a'.repeat(31), undefined, 30)).to.throw(/at most 30 characters/);
  });

  it('warns above 20 characters (Windows logins), not at 20', () => {
    expect(windowsUsernameWarning('a'.repeat(20))).to.equal(undefined);
    expect(windowsUsernameWarning('a'.repeat(21))).to.match(/21 characters.*Windows logins take at most 20/);
  });

  it('a rule prefixes a leading non-letter, replaces disallowed characters, then cuts to length', () => {
    const rule = { prefixLeadingDigit: 'u', replaceDisallowed: '_', maxLength: 8 };
    expect(['12345678', "o'neil", 'a+b c', 'abcdefghijk', '_x'].map((n) => applyUsernameRule(n, rule))).to.deep.equal([
      'u1234567',
      'o_neil',
      'a_b_c',
      'abcdefgh',
      'u_x',
    ]);
    expect(applyUsernameRule("o'neil", { replaceDisallowed: '' })).to.equal('oneil');
    expect(applyUsernameRule('12', {})).to.equal('12');
  });

  it('the mapping file rule is validated with a message naming the key', () => {
    expect(parseUsernameRule(undefined)).to.equal(undefined);
    expect(parseUsernameRule({ prefixLeadingDigit: 'u', replaceDisallowed: '', maxLength: 20 })).to.deep.equal({
      prefixLeadingDigit: 'u',
      replaceDisallowed: '',
      maxLength: 20,
    });
    for (const [raw, message] of [
      [[], /must be an object/],
      [{ prefix: 'u' }, /unknown keys prefix/],
      [{ prefixLeadingDigit: '9' }, /prefixLeadingDigit' must be 1 to 10 username characters/],
      [{ replaceDisallowed: '@' }, /replaceDisallowed' must be/],
      [{ maxLength: 31 }, /maxLength' must be a whole number from 2 to 30/],
      [{ maxLength: 1.5 }, /maxLength/],
    ] as const) {
      expect(() => parseUsernameRule(raw), JSON.stringify(raw)).to.throw(message);
    }
  });

  it('under a rule the userName is recorded whenever the username differs, and eq searches the rule’s form', () => {
    const options = { deriveUsernameFromEmail: false, usernameRule: { replaceDisallowed: '_' } };
    expect(usernameFor("o'neil", options)).to.equal('o_neil');
    expect(usernameFor('12@x', { deriveUsernameFromEmail: true, usernameRule: { prefixLeadingDigit: 'u' } })).to.equal(
      'u12',
    );
    const codec = codecs(options).userName;
    const row = { scim: 'userName', target: { kind: 'field', field: 'username' } } as const;
    const out = { fields: {}, custom: {} } as Parameters<NonNullable<typeof codec>['write']>[2];
    codec?.write("o'neil", row, out);
    expect(out).to.deep.equal({ fields: { username: 'o_neil' }, custom: { scimUserName: "o'neil" } });
    const plainOut = { fields: {}, custom: {} } as typeof out;
    codec?.write('oneil', row, plainOut);
    expect(plainOut.custom).to.deep.equal({ scimUserName: null });
    const search = codec?.search?.(undefined, row);
    expect(search?.exact).to.equal(false);
    expect(search?.eqOnly?.("o'neil")).to.equal('o_neil');
  });
});
