import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, USER_FIELDS, type Harness } from '../../helpers/bridge-harness.js';
import { jc, forbidden } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER } from './users-contract.js';

/**
 * PATCH, PUT and DELETE: the read, the one write with only what changed, and what is carried.
 */
describe('contract: Users → JumpCloud systemusers: PATCH, PUT and DELETE', () => {
  const bridge = pinnedJumpCloud();
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  it('PATCH reads the user (an email filter needs the current emails) and PUTs only what changed, with no uniqueness search (default-mode Entra body)', async () => {
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, {
      suspended: true,
      state: 'SUSPENDED',
      email: 'new@example.com',
      department: 'Retail',
    }).reply(200, jcUser({ suspended: true, state: 'SUSPENDED', email: 'new@example.com', department: 'Retail' }));
    const searches = forbidden(['POST'], /search/);
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Retail' },
      ],
    });
    expect(res.status).to.equal(200);
    expect(res.body.active).to.equal(false);
    expect(searches(), 'searches').to.equal(0);
  });

  it('a PATCH of top-level scalars only (title, department, manager) is one PUT of just those fields: no read, the answer is the new state', async () => {
    jc.putUser(ID, { jobTitle: 'Ex-employee', department: '', manager: MANAGER }).reply(
      200,
      jcUser({ jobTitle: 'Ex-employee', department: '', manager: MANAGER, displayname: 'B J' }),
    );
    const others = forbidden('any');
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'title', value: 'Ex-employee' },
        { op: 'Remove', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' },
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: MANAGER },
      ],
    });
    expect(others(), 'JumpCloud calls besides the PUT').to.equal(0);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ title: 'Ex-employee', displayName: 'B J' });
    expect(res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).to.deep.equal({
      manager: { value: MANAGER, $ref: `${h.base}/Users/${MANAGER}` },
    });
  });

  it('a scalar PATCH of a user JumpCloud does not have: the PUT is its 404, and nothing else is called', async () => {
    jc.putUser(ID, { jobTitle: 'Boss' }).reply(404, { message: 'Not Found' });
    const others = forbidden('any');
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
    });
    expect(others()).to.equal(0);
    expect([res.status, res.body.detail]).to.deep.equal([404, `User ${ID} not found`]);
  });

  it('a scalar PATCH JumpCloud refuses for a field another directory owns is done again reading the user: the owned field is left out, the rest applies', async () => {
    const restrictedFields = [{ field: 'department', type: 'active_directory', id: 'ad-1' }];
    jc.putUser(ID, { department: 'Sales', jobTitle: 'Boss' }).reply(400, { message: 'department is restricted' });
    jc.getUser(ID).reply(200, jcUser({ department: 'Ops', restrictedFields }));
    jc.putUser(ID, { jobTitle: 'Boss' }).reply(200, jcUser({ department: 'Ops', jobTitle: 'Boss', restrictedFields }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'replace',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'Sales',
        },
        { op: 'replace', path: 'title', value: 'Boss' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.title).to.equal('Boss');
    expect(res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department).to.equal('Ops');
  });

  it('a scalar PATCH JumpCloud refuses as a duplicate is explained by the clash read alone: no read of the user, no second PUT', async () => {
    const employeeNumber = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber';
    jc.putUser(ID, { employeeIdentifier: '701984' }).reply(400, {
      message: 'Bad Request: has already been registered',
    });
    jc.searchUsers(
      { limit: 10, skip: 0 },
      { filter: { or: [{ employeeIdentifier: { $regex: '(?i)^701984$' } }] }, fields: USER_FIELDS },
    ).reply(200, {
      totalCount: 1,
      results: [jcUser({ _id: MANAGER, username: 'jane', employeeIdentifier: '701984' })],
    });
    const others = forbidden('any');
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: employeeNumber, value: '701984' }],
    });
    expect(others()).to.equal(0);
    expect(res.body).to.include({ status: '409', scimType: 'uniqueness' });
    expect(res.body.detail).to.equal(
      `A JumpCloud user (id ${MANAGER}) already has employeeNumber "701984". If it is the same person, set Entra's matching attribute so it finds that user.`,
    );
  });

  it('a scalar PATCH whose PUT JumpCloud stores differently is a drift warning, compared with what was sent', async () => {
    jc.putUser(ID, { displayname: '  Babs  ' }).reply(200, jcUser({ displayname: 'Babs' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: '  Babs  ' }],
    });
    expect([res.status, res.body.displayName]).to.deep.equal([200, 'Babs']);
    const drift = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === 'drift');
    expect(drift.map((d) => [d.attribute, d.sent, d.stored])).to.deep.equal([['displayName', '  Babs  ', 'Babs']]);
  });

  it('active (either way), the userName, emails, addresses and custom attributes keep the read: their write needs the current user', async () => {
    for (const op of [
      { op: 'replace', path: 'active', value: true },
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'replace', path: 'userName', value: 'babs' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'b@example.com' },
      { op: 'add', path: 'phoneNumbers', value: [{ type: 'work', value: '1' }] },
      { op: 'replace', path: 'externalId', value: 'x' },
      { op: 'replace', path: 'name', value: { givenName: 'B' } },
    ]) {
      jc.getUser(ID).reply(403, { message: 'read refused' });
      const res = await h.request('PATCH', `/Users/${ID}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [op, { op: 'replace', path: 'title', value: 'Boss' }],
      });
      expect(res.status, `${op.path}: the read comes first`).to.equal(403);
    }
  });

  it('PATCH of a custom-attribute-backed value sends the whole attributes list with others preserved', async () => {
    jc.getUser(ID).reply(
      200,
      jcUser({
        attributes: [
          { name: 'costCode', value: '42' },
          { name: 'scimExternalId', value: 'ext-1' },
        ],
      }),
    );
    jc.putUser(ID, {
      attributes: [
        { name: 'costCode', value: '42' },
        { name: 'scimExternalId', value: 'ext-2' },
      ],
    }).reply(
      200,
      jcUser({
        attributes: [
          { name: 'costCode', value: '42' },
          { name: 'scimExternalId', value: 'ext-2' },
        ],
      }),
    );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { externalId: 'ext-2' } }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.externalId).to.equal('ext-2');
  });

  it('PATCH that changes nothing sends no PUT', async () => {
    jc.getUser(ID).reply(200, jcUser());
    const puts = forbidden(['PUT']);
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(puts(), 'PUTs sent').to.equal(0);
    expect(res.status).to.equal(200);
  });

  it('manager: a bare id is stored as manager in one PUT (JumpCloud checks it: no read at all), read back as {value, $ref}; "" clears it to null', async () => {
    jc.putUser(ID, { manager: MANAGER }).reply(200, jcUser({ manager: MANAGER }));
    const set = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: MANAGER },
      ],
    });
    expect(set.status).to.equal(200);
    expect(set.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager).to.deep.equal({
      value: MANAGER,
      $ref: `${h.base}/Users/${MANAGER}`,
    });

    jc.putUser(ID, { manager: null }).reply(200, jcUser());
    const reads = forbidden(['GET']);
    const clear = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '' },
      ],
    });
    expect(clear.status).to.equal(200);
    expect(clear.body).to.not.have.property('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(reads(), 'reads').to.equal(0);
  });

  it("PATCH whose manager exists but JumpCloud still refuses the PUT passes JumpCloud's own reason on (after the same write, read first, is refused too)", async () => {
    jc.putUser(ID, { manager: MANAGER }).reply(400, { message: 'manager is locked' });
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, { manager: MANAGER }).reply(400, { message: 'manager is locked' });
    jc.getUser(MANAGER).reply(200, jcUser({ _id: MANAGER, username: 'boss' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: MANAGER },
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.scimType).to.equal('invalidValue');
    expect(res.body.detail).to.equal('JumpCloud rejected the change. JumpCloud said: manager is locked');
  });

  it('PUT /Users/{id} replaces: attributes absent from the body are cleared', async () => {
    jc.getUser(ID).reply(200, jcUser({ jobTitle: 'Engineer' }));
    jc.putUser(ID, { firstname: 'Barb', lastname: '', displayname: '', jobTitle: '', attributes: [] }).reply(
      200,
      jcUser({ firstname: 'Barb', lastname: '', displayname: '', jobTitle: '', attributes: [] }),
    );
    const res = await h.request('PUT', `/Users/${ID}`, {
      userName: 'bjensen',
      emails: [{ value: 'bjensen@example.com' }],
      name: { givenName: 'Barb' },
    });
    expect(res.status).to.equal(200);
    expect(res.body.name).to.deep.equal({ givenName: 'Barb' });
  });

  it('a STAGED user set active is activated through POST /state/activate {} (not a PUT), then read back', async () => {
    jc.getUser(ID).reply(200, jcUser({ state: 'STAGED' }));
    jc.activateUser(ID).reply(200, '"OK"');
    jc.getUser(ID).reply(200, jcUser({ state: 'ACTIVATED' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.active).to.equal(true);
  });

  it('a second email is PUT as alternateEmail, with its type recorded when it is not "other"', async () => {
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, {
      alternateEmail: 'babs@home.example',
      attributes: [
        { name: 'scimExternalId', value: 'ext-1' },
        { name: 'scimAlternateEmailType', value: 'home' },
      ],
    }).reply(
      200,
      jcUser({
        alternateEmail: 'babs@home.example',
        attributes: [
          { name: 'scimExternalId', value: 'ext-1' },
          { name: 'scimAlternateEmailType', value: 'home' },
        ],
      }),
    );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'add', path: 'emails[type eq "home"].value', value: 'babs@home.example' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.emails).to.deep.equal([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ]);
  });

  it("a phone write sends the whole array back as JumpCloud's own module does, without element ids: an admin's second mobile and an empty number kept; fax as work_fax", async () => {
    const phones = [
      { id: 'p1', type: 'mobile', number: '555-0001' },
      { id: 'p2', type: 'mobile', number: '555-0002' },
      { id: 'p3', type: 'home', number: '' },
    ];
    jc.getUser(ID).reply(200, jcUser({ phoneNumbers: phones }));
    const sent = [
      { type: 'mobile', number: '555-0099' },
      { type: 'mobile', number: '555-0002' },
      { type: 'home', number: '' },
      { type: 'work_fax', number: '555-0100' },
    ];
    // JumpCloud answers with ids of its own.
    jc.putUser(ID, { phoneNumbers: sent }).reply(
      200,
      jcUser({ phoneNumbers: sent.map((p, i) => ({ id: `n${i}`, ...p })) }),
    );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0099' },
        { op: 'add', path: 'phoneNumbers[type eq "fax"].value', value: '555-0100' },
      ],
    });
    expect(res.status).to.equal(200);
    expect(res.body.phoneNumbers).to.deep.equal([
      { value: '555-0099', type: 'mobile' },
      { value: '555-0100', type: 'fax' },
    ]);
  });

  it('a userName change keeps the JumpCloud username: only the recorded userName is PUT', async () => {
    jc.getUser(ID).reply(200, jcUser());
    const attributes = [
      { name: 'scimExternalId', value: 'ext-1' },
      { name: 'scimUserName', value: 'babs@example.com' },
    ];
    jc.putUser(ID, { attributes }).reply(200, jcUser({ attributes }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs@example.com' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.userName).to.equal('babs@example.com');
  });

  it("DELETE clears direct reports' manager link and answers 204", async () => {
    jc.deleteUser(ID).reply(200, jcUser());
    const res = await h.request('DELETE', `/Users/${ID}`);
    expect(res.status).to.equal(204);
    expect(res.text).to.equal('');
  });
});
