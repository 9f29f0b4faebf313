import { expect } from 'chai';
import type nock from 'nock';
import { jcUser, pinnedJumpCloud, USER_FIELDS } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER } from './users-contract.js';

describe('contract: Users → JumpCloud systemusers: derive mode adopts what existed before Entra, and a re-sent create never duplicates', () => {
  const once = pinnedJumpCloud({
    RETRY_MAX_RETRIES: '0',
    CREATE_LOOKUP_WINDOW_MS: '0',
    DERIVE_USERNAME_FROM_EMAIL: 'true',
  });
  const byUsername = (username: string): nock.Interceptor =>
    jc.searchUsers(
      { limit: 2, skip: 0 },
      {
        filter: { and: [{ username: { $regex: `(?i)^${username}$` } }] },
        fields: USER_FIELDS,
      },
    );

  it('userName eq an e-mail finds the JumpCloud user whose username is its local part, if no userName was recorded on it', async () => {
    const search = {
      filter: {
        or: [{ username: { $regex: '(?i)^jane$' } }, { 'attributes.value': { $regex: '(?i)^jane@contoso\\.com$' } }],
      },
      fields: USER_FIELDS,
    };
    jc.searchUsers({ limit: 100, skip: 0, sort: '_id' }, search).reply(200, {
      totalCount: 2,
      results: [
        jcUser({ username: 'Jane', attributes: [] }),
        jcUser({
          _id: MANAGER,
          username: 'jane',
          attributes: [{ name: 'scimUserName', value: 'jane@fabrikam.com' }],
        }),
      ],
    });
    const res = await once().request('GET', `/Users?filter=${encodeURIComponent('userName eq "jane@contoso.com"')}`);
    expect(res.status).to.equal(200);
    expect(res.body.Resources.map((r: { id: string; userName: string }) => [r.id, r.userName])).to.deep.equal([
      [ID, 'Jane'],
    ]);
  });

  it('a residual filter in derive mode also reads the userName fields, to re-check the derived match', async () => {
    jc.listUsers({ limit: '100', skip: '0', sort: '_id', fields: '_id username attributes jobTitle' }).reply(200, {
      totalCount: 1,
      results: [jcUser({ jobTitle: 'Boss' })],
    });
    const res = await once().request('GET', `/Users?filter=${encodeURIComponent('title pr')}&attributes=title`);
    expect(res.status).to.equal(200);
    expect(res.body.Resources.map((r: { title: string }) => r.title)).to.deep.equal(['Boss']);
  });

  /**
   * A create whose answer is lost (502), which no lookup finds, is sent once more and refused as a duplicate;
   * the second lookup then finds `found`. Returns how many POSTs were made (the interceptor answers two).
   */
  const lostThenDuplicate = (found: Record<string, unknown>): (() => number) => {
    let posts = 0;
    jc.createUser()
      .times(2)
      .reply(() => {
        posts += 1;
        return posts === 1
          ? [502, { message: 'bad gateway' }]
          : [400, { code: 400, message: 'Bad Request: User already exists', status: 'ALREADY_EXISTS' }];
      });
    byUsername('jyoung').reply(200, { totalCount: 0, results: [] });
    byUsername('jyoung').reply(200, { totalCount: 1, results: [found] });
    return () => posts;
  };

  it('a lost create that did not land is sent once more; JumpCloud refusing it as a duplicate means the first landed: it is adopted', async () => {
    const posts = lostThenDuplicate(jcUser({ username: 'jyoung', email: 'JYoung@example.com' }));
    const res = await once().request('POST', '/Users', {
      userName: 'jyoung',
      emails: [{ value: 'jyoung@example.com' }],
    });
    expect([res.status, res.body.id, posts()]).to.deep.equal([201, ID, 2]);
  });

  it('the duplicate is not adopted when the user found holds another e-mail: 409, never a third POST', async () => {
    const holder = jcUser({ username: 'jyoung', email: 'someone.else@example.com' });
    const posts = lostThenDuplicate(holder);
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, { totalCount: 1, results: [holder] });
    const res = await once().request('POST', '/Users', {
      userName: 'jyoung',
      emails: [{ value: 'jyoung@example.com' }],
    });
    expect([res.status, res.body.scimType, posts()]).to.deep.equal([409, 'uniqueness', 2]);
    expect(res.body.detail).to.contain(`already holds the username "jyoung"`);
  });

  it('a re-sent create that fails otherwise is not looked up again: its own error', async () => {
    jc.createUser().reply(502, { message: 'bad gateway' });
    jc.createUser().reply(403, { message: 'Forbidden' });
    byUsername('jyoung').reply(200, { totalCount: 0, results: [] });
    const res = await once().request('POST', '/Users', {
      userName: 'jyoung',
      emails: [{ value: 'jyoung@example.com' }],
    });
    expect(res.status).to.equal(403);
  });
});
