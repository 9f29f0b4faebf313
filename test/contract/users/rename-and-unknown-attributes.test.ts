import { expect } from 'chai';
import { jcUser, pinnedJumpCloud } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { ID, logsOfKind } from './users-contract.js';

/**
 * Every JumpCloud call the Users resource makes, pinned: method, path, query, headers and body (test/helpers/
 * jumpcloud-calls.ts). nock stands in for JumpCloud; the bridge runs its real HTTP stack.
 */
describe('contract: Users → JumpCloud systemusers: ALLOW_USERNAME_RENAME=true and UNKNOWN_ATTRIBUTES=ignore', () => {
  const renaming = pinnedJumpCloud({ ALLOW_USERNAME_RENAME: 'true', UNKNOWN_ATTRIBUTES: 'ignore' });

  it('renames the JumpCloud username and says so in the log', async () => {
    const h = renaming();
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, { username: 'babs' }).reply(200, jcUser({ username: 'babs' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
    });
    expect([res.status, res.body.userName]).to.deep.equal([200, 'babs']);
    expect(logsOfKind(h, 'usernameRenamed').map((l) => [l.level, l.message])).to.deep.equal([
      [
        'info',
        `User ${ID}: JumpCloud username "bjensen" renamed to "babs" for userName "babs" (ALLOW_USERNAME_RENAME=true)`,
      ],
    ]);
  });

  it('skips an attribute the table does not map, with one warning naming it', async () => {
    const h = renaming();
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, { jobTitle: 'Boss' }).reply(200, jcUser({ jobTitle: 'Boss' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'replace', value: { title: 'Boss', nickName: 'B' } }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(logsOfKind(h, 'attributeIgnored').map((l) => [l.level, l.message])).to.deep.equal([
      [
        'warn',
        "Ignored attribute 'nickName': it is not in the mapping table (UNKNOWN_ATTRIBUTES=ignore). Add a row to the mapping file to store it.",
      ],
    ]);
  });
});
