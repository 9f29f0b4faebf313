import { expect } from 'chai';
import { jcUser, pinnedJumpCloud } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { ID, logsOfKind } from './users-contract.js';

/**
 * Fact `restrictedFields`: fields another directory owns (Active Directory, a federated IdP, another SCIM source) are
 * not written; the rest of the request is, and a warning names the attribute, the field and the owner.
 */
describe('contract: Users → JumpCloud: fields another directory owns (restrictedFields)', () => {
  const bridge = pinnedJumpCloud({ ALLOW_USERNAME_RENAME: 'true' });
  const owned = jcUser({
    department: 'Sales',
    restrictedFields: [
      { field: 'department', type: 'active_directory', id: 'ad-1' },
      { field: 'username', type: 'scim', id: 'scim-1' },
    ],
  });

  it('a disable with a change to an AD-owned department sends the disable alone and says why the department was not', async () => {
    const h = bridge();
    h.logs.length = 0;
    jc.getUser(ID).reply(200, owned);
    jc.putUser(ID, { jobTitle: 'Lead', state: 'SUSPENDED', suspended: true }).reply(200, {
      ...owned,
      jobTitle: 'Lead',
      state: 'SUSPENDED',
      suspended: true,
    });
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Ops' },
        { op: 'Replace', path: 'title', value: 'Lead' },
        { op: 'Replace', path: 'active', value: false },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.active).to.equal(false);
    expect(logsOfKind(h, 'restrictedField').map((l) => [l.level, l.message])).to.deep.equal([
      [
        'warn',
        `User ${ID}: department was not written: JumpCloud lists department among the user's restrictedFields, owned by Active Directory (JumpCloud AD Integration), ` +
          'which refuses or overwrites a change made here. The rest of the change was applied. Change it in Active Directory (JumpCloud AD Integration), or remove department from the Entra provisioning mapping for these users.',
      ],
    ]);
  });

  it('a username another SCIM source owns is kept even with ALLOW_USERNAME_RENAME=true: the new userName is recorded', async () => {
    const h = bridge();
    h.logs.length = 0;
    jc.getUser(ID).reply(200, owned);
    const attributes = [
      { name: 'scimExternalId', value: 'ext-1' },
      { name: 'scimUserName', value: 'babs' },
    ];
    jc.putUser(ID, { attributes }).reply(200, { ...owned, attributes });
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
    });
    expect([res.status, res.body.userName], JSON.stringify(res.body)).to.deep.equal([200, 'babs']);
    expect(logsOfKind(h, 'usernameRenamed')).to.deep.equal([]);
    expect(logsOfKind(h, 'restrictedField').map((l) => l.field)).to.deep.equal(['username']);
  });
});
