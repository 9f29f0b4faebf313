import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, USER_FIELDS } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER, logsOfKind } from './users-contract.js';

/**
 * Undocumented JumpCloud answers on Entra's path (facts `dottedKeyInOr`, `duplicateUserMessage`): the bridge works
 * under either answer, learns the org's from its first refusal, remembers it in process and logs it once. Each suite
 * starts its own bridge, so what one learns does not leak into another.
 */
const byUserName = (userName: string): string => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
const withDottedKey = {
  filter: {
    or: [{ username: { $regex: '(?i)^jane$' } }, { 'attributes.value': { $regex: '(?i)^jane@contoso\\.com$' } }],
  },
  fields: USER_FIELDS,
};
const withoutDottedKey = { filter: { and: [{ username: { $regex: '(?i)^jane$' } }] }, fields: USER_FIELDS };
const SCAN = { limit: 100, skip: 0, sort: '_id' } as const;
const unsupported = { message: 'unsupported field path "attributes.value"' };

describe('contract: Users → JumpCloud: an org that refuses dotted keys in a search (fact dottedKeyInOr)', () => {
  const bridge = pinnedJumpCloud();

  it('userName eq: the refused search is asked again without the dotted key, and the org is remembered (logged once)', async () => {
    const h = bridge();
    jc.searchUsers(SCAN, withDottedKey).reply(400, unsupported);
    jc.searchUsers(SCAN, withoutDottedKey).reply(200, { totalCount: 1, results: [jcUser({ username: 'jane' })] });
    const first = await h.request('GET', byUserName('jane@contoso.com'));
    expect([first.status, first.body.totalResults], JSON.stringify(first.body)).to.deep.equal([200, 1]);
    expect(first.body.Resources[0]).to.include({ id: ID, userName: 'jane' });

    // Learned: the next match asks the form this org takes, once.
    jc.searchUsers(SCAN, withoutDottedKey).reply(200, { totalCount: 1, results: [jcUser({ username: 'jane' })] });
    const second = await h.request('GET', byUserName('jane@contoso.com'));
    expect([second.status, second.body.totalResults]).to.deep.equal([200, 1]);

    expect(logsOfKind(h, 'orgAnswerLearned').map((l) => [l.level, l.answer, l.value])).to.deep.equal([
      ['warn', 'dottedKeysRefused', true],
    ]);
    expect(String(logsOfKind(h, 'orgAnswerLearned')[0]?.message)).to.match(
      /JumpCloud said: unsupported field path "attributes\.value".*searches without dotted keys.*kept rename.*dottedKeyInOr/,
    );
  });

  it('the bridge re-checks what the narrower search finds: a username that holds another recorded userName is not a match', async () => {
    const h = bridge();
    jc.searchUsers(SCAN, withoutDottedKey).reply(200, {
      totalCount: 1,
      results: [
        jcUser({ _id: MANAGER, username: 'jane', attributes: [{ name: 'scimUserName', value: 'jane@fabrikam.com' }] }),
      ],
    });
    const res = await h.request('GET', byUserName('jane@contoso.com'));
    expect([res.status, res.body.totalResults]).to.deep.equal([200, 0]);
  });
});

describe('contract: Users → JumpCloud: a search refused for another reason is not taken for a dotted-key refusal', () => {
  const bridge = pinnedJumpCloud();

  it('the search without the dotted key is refused too: the first refusal is answered and nothing is learned', async () => {
    const h = bridge();
    jc.searchUsers(SCAN, withDottedKey).reply(400, { message: 'search is unavailable' });
    jc.searchUsers(SCAN, withoutDottedKey).reply(400, { message: 'search is unavailable' });
    const res = await h.request('GET', byUserName('jane@contoso.com'));
    expect([res.status, res.body.detail]).to.deep.equal([
      400,
      'JumpCloud rejected the change. JumpCloud said: search is unavailable',
    ]);
    jc.searchUsers(SCAN, withDottedKey).reply(200, { totalCount: 0, results: [] });
    expect((await h.request('GET', byUserName('jane@contoso.com'))).body.totalResults).to.equal(0);
    expect(logsOfKind(h, 'orgAnswerLearned')).to.deep.equal([]);
  });
});

describe('contract: Users → JumpCloud: a duplicate refused in words the bridge does not know (fact duplicateUserMessage)', () => {
  const bridge = pinnedJumpCloud();
  const clashRead = {
    filter: {
      or: [
        { username: { $regex: '(?i)^kim$' } },
        { email: { $regex: '(?i)^kim@example\\.com$' } },
        { alternateEmail: { $regex: '(?i)^kim@example\\.com$' } },
      ],
    },
    fields: USER_FIELDS,
  };
  const body = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'kim',
    emails: [{ type: 'work', value: 'kim@example.com', primary: true }],
  };
  const refusal = { message: 'Bad Request: that value is taken' };

  it('a create JumpCloud refuses in words it does not know is followed by the clash read: another user holds the username, so the answer is the 409 naming it, and the words are learned', async () => {
    const h = bridge();
    jc.createUser({ username: 'kim', email: 'kim@example.com', state: 'ACTIVATED' }).reply(400, refusal);
    jc.searchUsers({ limit: 10, skip: 0 }, clashRead).reply(200, {
      totalCount: 1,
      results: [jcUser({ _id: MANAGER, username: 'kim', email: 'other@example.com', attributes: [] })],
    });
    const res = await h.request('POST', '/Users', body);
    expect([res.status, res.body.scimType], JSON.stringify(res.body)).to.deep.equal([409, 'uniqueness']);
    expect(res.body.detail).to.contain(
      `JumpCloud user "kim" (id ${MANAGER}, SCIM userName "kim") already holds the username "kim"`,
    );
    expect(logsOfKind(h, 'orgAnswerLearned').map((l) => [l.answer, l.value])).to.deep.equal([
      ['duplicateMessage', refusal.message],
    ]);
  });

  it('once learned, the same words are a duplicate even when the lookup no longer finds the holder', async () => {
    const h = bridge();
    jc.createUser({ username: 'kim', email: 'kim@example.com', state: 'ACTIVATED' }).reply(400, refusal);
    jc.searchUsers({ limit: 10, skip: 0 }, clashRead).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', body);
    expect([res.status, res.body.scimType]).to.deep.equal([409, 'uniqueness']);
    expect(res.body.detail).to.equal(
      `JumpCloud already has an object with the same username, email, alternate email or employee id. JumpCloud said: ${refusal.message}`,
    );
    expect(logsOfKind(h, 'orgAnswerLearned')).to.have.length(1);
  });

  it('a refusal no lookup explains stays the 400 it was', async () => {
    const h = bridge();
    const other = { message: 'Bad Request: email domain is not allowed' };
    jc.createUser({ username: 'kim', email: 'kim@example.com', state: 'ACTIVATED' }).reply(400, other);
    jc.searchUsers({ limit: 10, skip: 0 }, clashRead).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', body);
    expect([res.status, res.body.detail]).to.deep.equal([
      400,
      `JumpCloud rejected the change. JumpCloud said: ${other.message}`,
    ]);
  });
});
