import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, USER_FIELDS } from '../../helpers/bridge-harness.js';
import { jc, forbidden } from '../../helpers/jumpcloud-calls.js';
import { ID, logsOfKind } from './users-contract.js';

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

  it('a rename JumpCloud refuses (the user is bound) falls back to keeping the username: the userName is recorded, the rest applies, the note says why', async () => {
    const h = renaming();
    h.logs.length = 0; // this suite's bridge is shared: only this request's lines count
    const bound = 'The username cannot be modified because the user is bound to one or more resources';
    jc.getUser(ID).reply(200, jcUser());
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: { or: [{ username: { $regex: '(?i)^babs$' } }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 0, results: [] });
    jc.putUser(ID, { username: 'babs', state: 'SUSPENDED', suspended: true }).reply(400, { message: bound });
    const recorded = [
      { name: 'scimExternalId', value: 'ext-1' },
      { name: 'scimUserName', value: 'babs' },
    ];
    jc.putUser(ID, { state: 'SUSPENDED', suspended: true, attributes: recorded }).reply(
      200,
      jcUser({ state: 'SUSPENDED', suspended: true, attributes: recorded }),
    );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'Replace', path: 'userName', value: 'babs' },
        { op: 'Replace', path: 'active', value: false },
      ],
    });
    expect([res.status, res.body.userName, res.body.active], JSON.stringify(res.body)).to.deep.equal([
      200,
      'babs',
      false,
    ]);
    expect(logsOfKind(h, 'usernameRenamed')).to.deep.equal([]);
    expect(logsOfKind(h, 'usernameKept').map((l) => [l.level, l.message])).to.deep.equal([
      [
        'warn',
        `User ${ID}: JumpCloud refused to rename the username "bjensen" for userName "babs" (JumpCloud said: ${bound}); ` +
          'JumpCloud does not change the username of a user bound to devices, applications or directories. ' +
          'The username stays "bjensen", the new userName is recorded in the custom attribute scimUserName (reads and userName eq follow it), ' +
          'and the rest of the change was applied. To rename, unbind the user from its resources in JumpCloud and change its username there.',
      ],
    ]);
  });

  it('a rename onto a username another user holds is a 409 naming the holder, never kept quietly', async () => {
    const h = renaming();
    h.logs.length = 0;
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, { username: 'babs' }).reply(400, { message: 'Bad Request: has already been registered' });
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: { or: [{ username: { $regex: '(?i)^babs$' } }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 1, results: [jcUser({ _id: '6a1b2c3d4e5f6a7b8c9d0e1f', username: 'babs' })] });
    const puts = forbidden(['PUT']);
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
    });
    expect(puts(), 'PUTs after the refusal').to.equal(0);
    expect([res.status, res.body.scimType]).to.deep.equal([409, 'uniqueness']);
    expect(res.body.detail).to.contain(
      '(id 6a1b2c3d4e5f6a7b8c9d0e1f, SCIM userName "babs") already holds the username "babs"',
    );
    expect(logsOfKind(h, 'usernameKept')).to.deep.equal([]);
  });

  it('a refusal that is not about the rename is answered as it is: the write without the rename is refused too', async () => {
    const h = renaming();
    h.logs.length = 0;
    jc.getUser(ID).reply(200, jcUser());
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: { or: [{ username: { $regex: '(?i)^babs$' } }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 0, results: [] });
    jc.putUser(ID, { username: 'babs', jobTitle: 'x'.repeat(5) }).reply(400, { message: 'jobTitle is invalid' });
    jc.putUser(ID, {
      jobTitle: 'xxxxx',
      attributes: [
        { name: 'scimExternalId', value: 'ext-1' },
        { name: 'scimUserName', value: 'babs' },
      ],
    }).reply(400, { message: 'jobTitle is invalid' });
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'Replace', path: 'userName', value: 'babs' },
        { op: 'Replace', path: 'title', value: 'xxxxx' },
      ],
    });
    expect([res.status, res.body.detail]).to.deep.equal([
      400,
      'JumpCloud rejected the change. JumpCloud said: jobTitle is invalid',
    ]);
    expect(logsOfKind(h, 'usernameKept')).to.deep.equal([]);
  });

  it('skips an attribute the table does not map, with one warning naming it', async () => {
    const h = renaming();
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
