import { expect } from 'chai';
import axios, { type AxiosInstance } from 'axios';
import { startSandbox, type Sandbox } from '../../../src/cli/sandbox-session.js';
import type { BufferedExchange } from '../../../src/debug/exchange-buffer.js';
import { explainExchange, type MappedAttribute, type ResourceMapping } from '../../../src/mapping/exchange-mapping.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ResourceSchema } from '../../../src/scim/schema.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Real exchanges: the sandbox's bridge in front of its emulator, read back from the debug page's buffer. */
async function session(
  env: Record<string, string> = {},
): Promise<{ sandbox: Sandbox; scim: AxiosInstance; last: () => BufferedExchange }> {
  const sandbox = await startSandbox({}, { PORT: '0', DEBUG_PAGE: 'true', LOG_LEVEL: 'error', ...env }, silentLogger());
  const scim = axios.create({
    baseURL: sandbox.tenantUrl,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/scim+json' },
  });
  const last = (): BufferedExchange => {
    const e = sandbox.bridge.debug?.buffer.list()[0];
    if (!e) throw new Error('no exchange recorded');
    return e;
  };
  return { sandbox, scim, last };
}

describe('mapping/exchange-mapping: what one exchange did, attribute by attribute', () => {
  let s: Awaited<ReturnType<typeof session>>;
  let table: readonly ResourceMapping[];
  let janeId: string;
  before(async () => {
    s = await session();
    // The registry's mappings, as explain and the debug page read them.
    table = s.sandbox.bridge.resources.mappings;
  });
  after(() => s.sandbox.close());

  const row = (rows: MappedAttribute[] | undefined, scim: string): MappedAttribute | undefined =>
    rows?.find((r) => r.scim === scim);

  it('a create: SCIM value → the JumpCloud key really sent → what JumpCloud stored', async () => {
    const res = await s.scim.post('/Users', {
      schemas: [USER],
      userName: 'jane.doe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      emails: [{ value: 'jane.doe@example.com', primary: true }],
      active: true,
      externalId: 'e-1',
    });
    expect(res.status).to.equal(201);
    janeId = String(res.data.id);
    const { mapping, rejection } = explainExchange(table, s.last());
    expect(rejection).to.equal(undefined);
    expect(mapping?.operation).to.equal('create');
    expect(row(mapping?.rows, 'userName')).to.deep.equal({
      scim: 'userName',
      jumpcloud: 'username',
      codec: 'userName',
      value: 'jane.doe',
      sent: 'username="jane.doe"',
      stored: 'username="jane.doe"',
    });
    expect(row(mapping?.rows, 'externalId')).to.deep.include({
      jumpcloud: 'attributes.scimExternalId',
      sent: 'attributes.scimExternalId="e-1"',
      stored: 'attributes.scimExternalId="e-1"',
    });
    // active is not a field of the create body: it goes out as `state`, and JumpCloud answers with both.
    expect(row(mapping?.rows, 'active')).to.deep.include({
      value: true,
      sent: 'state="ACTIVATED"',
      stored: 'suspended=false, state="ACTIVATED"',
    });
    // Attributes the request did not carry are not listed.
    expect(row(mapping?.rows, 'title')).to.equal(undefined);
  });

  it('a PATCH: before and after of each attribute it touched, and nothing else', async () => {
    const res = await s.scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'name.givenName', value: 'Janet' },
        { op: 'replace', value: { active: false } },
      ],
    });
    expect(res.status).to.equal(200);
    const { mapping } = explainExchange(table, s.last());
    expect(mapping?.operation).to.equal('patch');
    // Named or changed rows only: name.givenName's unchanged siblings (familyName…) would be noise.
    expect(mapping?.rows.map((r) => r.scim)).to.deep.equal(['name.givenName', 'active']);
    expect(row(mapping?.rows, 'name.givenName')).to.deep.include({
      before: 'Jane',
      value: 'Janet',
      sent: 'firstname="Janet"',
      stored: 'firstname="Janet"',
    });
    expect(row(mapping?.rows, 'active')).to.deep.include({
      before: true,
      value: false,
      sent: 'suspended=true, state="SUSPENDED"',
    });
    expect(row(mapping?.rows, 'userName')).to.equal(undefined);
  });

  it('a rejected PATCH: the rule and fix exactly as the SCIM detail, what was sent, and that JumpCloud stored nothing', async () => {
    const res = await s.scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'not-an-email' }],
    });
    expect(res.status).to.equal(400);
    const { mapping, rejection } = explainExchange(table, s.last());
    expect(rejection).to.deep.equal({ status: 400, scimType: res.data.scimType, detail: res.data.detail });
    expect(rejection?.detail).to.match(/email must be a valid e-mail address/);
    const emails = row(mapping?.rows, 'emails');
    expect(emails).to.deep.include({ sent: 'email="not-an-email"', stored: '(JumpCloud refused the write: 400)' });
    expect(JSON.stringify(emails?.before)).to.contain('"jane.doe@example.com"');
    expect(JSON.stringify(emails?.value)).to.contain('"not-an-email"');
  });

  it('a PATCH the bridge refuses before reading anything says that nothing was sent', async () => {
    const res = await s.scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: 'maybe' }],
    });
    expect(res.status).to.equal(400);
    const { mapping, rejection } = explainExchange(table, s.last());
    expect(rejection?.detail).to.equal(res.data.detail);
    // Refused while parsing, before the user was read: no before, no after, nothing sent.
    expect(mapping?.rows).to.deep.equal([
      {
        scim: 'active',
        jumpcloud: 'suspended',
        codec: 'notSuspended',
        before: undefined,
        value: undefined,
        sent: '(not sent: the request was rejected)',
        stored: '(unchanged)',
      },
    ]);
  });

  it('a PATCH that reads the user and names an attribute without changing it says it sent nothing', async () => {
    // With `active` (its write needs the current state) the PATCH reads the user first, so what is unchanged is not
    // sent. A PATCH of plain scalars alone is one PUT with no read (the next case).
    const res = await s.scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'name.familyName', value: 'Doe' },
        { op: 'replace', path: 'active', value: false },
      ],
    });
    expect(res.status).to.equal(200);
    const { mapping } = explainExchange(table, s.last());
    expect(mapping?.rows.map((r) => [r.scim, r.sent])).to.deep.equal([
      ['name.familyName', '(not sent: unchanged)'],
      ['active', '(not sent: unchanged)'],
    ]);
    expect(mapping?.rows.slice(0, 1)).to.deep.equal([
      {
        scim: 'name.familyName',
        jumpcloud: 'lastname',
        codec: 'plain',
        before: 'Doe',
        value: 'Doe',
        sent: '(not sent: unchanged)',
        stored: '(unchanged)',
      },
    ]);
  });

  it('a PATCH of plain scalars is one PUT with no read: nothing to show as before, what was sent and what was stored', async () => {
    const res = await s.scim.patch(`/Users/${janeId}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'name.familyName', value: 'Doe' }],
    });
    expect(res.status).to.equal(200);
    expect(s.last().upstream.map((c) => c.method)).to.deep.equal(['PUT']);
    const { mapping } = explainExchange(table, s.last());
    expect(mapping?.rows).to.deep.equal([
      {
        scim: 'name.familyName',
        jumpcloud: 'lastname',
        codec: 'plain',
        before: undefined,
        value: 'Doe',
        sent: 'lastname="Doe"',
        stored: 'lastname="Doe"',
      },
    ]);
  });

  it('a read has no mapping; a failed read still has its rule and fix', async () => {
    expect((await s.scim.get(`/Users/${janeId}`)).status).to.equal(200);
    expect(explainExchange(table, s.last())).to.deep.equal({});
    const missing = await s.scim.get('/Users/5f1b2c3d4e5f6a7b8c9d0e1f');
    expect(missing.status).to.equal(404);
    expect(explainExchange(table, s.last())).to.deep.equal({ rejection: { status: 404, detail: missing.data.detail } });
  });

  it('picks the mapping by the endpoint of each registered type, so a third type needs no change here', () => {
    const [users] = table;
    if (!users) throw new Error('no Users mapping');
    const devices: ResourceMapping = {
      ...users,
      schema: new ResourceSchema('Device', '/Devices', { ...users.schema.core, name: 'Device' }),
    };
    const body = { userName: 'd1' };
    const e = (method: string, url: string) => ({
      method,
      url,
      requestBody: body,
      status: 400,
      responseBody: { detail: 'x' },
      upstream: [],
    });
    expect(explainExchange([...table, devices], e('POST', '/scim/v2/Devices')).mapping).to.deep.include({
      resource: 'Device',
      operation: 'create',
    });
    expect(explainExchange([...table, devices], e('PUT', '/scim/v2/orgs/o1/devices/abc')).mapping).to.deep.include({
      resource: 'Device',
      operation: 'replace',
    });
    expect(explainExchange(table, e('POST', '/scim/v2/Devices')).mapping).to.equal(undefined);
    for (const [method, url] of [
      ['POST', '/scim/v2/Users/.search'],
      ['PUT', '/scim/v2/Users/.search'],
      ['PUT', '/scim/v2/Users/'],
      ['GET', '/scim/v2/Users'],
      ['DELETE', '/scim/v2/Groups/abc'],
    ] as const) {
      expect(explainExchange(table, e(method, url)).mapping, `${method} ${url}`).to.equal(undefined);
    }
  });

  it('a body that cannot be mapped says why instead of guessing', () => {
    const e = {
      method: 'POST',
      url: '/scim/v2/Users',
      requestBody: [1, 2],
      status: 400,
      responseBody: { detail: 'x' },
      upstream: [],
    };
    expect(explainExchange(table, e).mapping?.note).to.match(/^the body cannot be mapped: /);
  });

  describe('group exchanges, from the groups rows of the same table', () => {
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    let bobId: string;
    let groupId: string;
    before(async () => {
      const bob = await s.scim.post('/Users', {
        schemas: [USER],
        userName: 'ada.member',
        emails: [{ value: 'ada.member@example.com', primary: true }],
      });
      expect(bob.status).to.equal(201);
      bobId = String(bob.data.id);
    });

    it('a create: displayName → name, externalId → the description trailer, members → the member edges added', async () => {
      const res = await s.scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'Mapping Guild',
        externalId: 'g-1',
        members: [{ value: janeId }],
      });
      expect(res.status).to.equal(201);
      groupId = String(res.data.id);
      const { mapping, rejection } = explainExchange(table, s.last());
      expect(rejection).to.equal(undefined);
      expect(mapping).to.deep.include({ resource: 'Group', operation: 'create' });
      expect(mapping?.rows).to.deep.equal([
        {
          scim: 'displayName',
          jumpcloud: 'name',
          codec: 'text',
          value: 'Mapping Guild',
          sent: 'name="Mapping Guild"',
          stored: 'name="Mapping Guild"',
        },
        {
          scim: 'externalId',
          jumpcloud: 'description.externalId',
          codec: 'text',
          value: 'g-1',
          sent: 'description="[scim-bridge externalId=g-1]"',
          stored: 'description="[scim-bridge externalId=g-1]"',
        },
        {
          scim: 'members',
          jumpcloud: 'members (member edges)',
          codec: 'memberIds',
          value: [janeId],
          sent: `add ${janeId}`,
          stored: `added ${janeId}`,
        },
      ]);
      // The debug page's wiring renders the same rows for the group.
      const page = await axios.get<string>(`${s.sandbox.debugUrl}/exchanges/fragment?q=Mapping%20Guild`, {
        responseType: 'text',
      });
      expect(page.data).to.contain('mapping: 3 attributes (create)');
      expect(page.data).to.contain('description=&quot;[scim-bridge externalId=g-1]&quot;');
      expect(page.data).to.contain(`added ${janeId}`);
    });

    it("a PATCH (Entra's 204): displayName before → after, and which member ids were added and removed", async () => {
      const res = await s.scim.patch(`/Groups/${groupId}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Mapping Crew' },
          { op: 'add', path: 'members', value: [{ value: bobId }] },
          { op: 'remove', path: `members[value eq "${janeId}"]` },
        ],
      });
      expect(res.status).to.equal(204);
      const { mapping } = explainExchange(table, s.last());
      expect(mapping?.operation).to.equal('patch');
      expect(mapping?.rows.map((r) => r.scim)).to.deep.equal(['displayName', 'members']);
      expect(row(mapping?.rows, 'displayName')).to.deep.include({
        before: 'Mapping Guild',
        value: 'Mapping Crew',
        sent: 'name="Mapping Crew"',
        stored: 'name="Mapping Crew"',
      });
      // Adding and removing by value needs no read of the current members, so there is no before/after list.
      expect(row(mapping?.rows, 'members')).to.deep.include({
        before: undefined,
        value: undefined,
        sent: `add ${bobId}; remove ${janeId}`,
        stored: `added ${bobId}; removed ${janeId}`,
      });
    });

    it('a PUT replacing the members: the edges changed; the unchanged name is not sent', async () => {
      const res = await s.scim.put(`/Groups/${groupId}`, {
        schemas: [GROUP],
        displayName: 'Mapping Crew',
        externalId: 'g-1',
        members: [{ value: janeId }],
      });
      expect(res.status).to.equal(200);
      const { mapping } = explainExchange(table, s.last());
      expect(mapping).to.deep.include({ resource: 'Group', operation: 'replace' });
      expect(row(mapping?.rows, 'displayName')).to.deep.include({
        value: 'Mapping Crew',
        sent: '(not sent: unchanged)',
        stored: '(unchanged)',
      });
      expect(row(mapping?.rows, 'members')).to.deep.include({
        value: [janeId],
        sent: `add ${janeId}; remove ${bobId}`,
        stored: `added ${janeId}; removed ${bobId}`,
      });
    });

    it('a PATCH replacing all members reads them first: before and after are the id lists', async () => {
      const res = await s.scim.patch(`/Groups/${groupId}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'members', value: [{ value: bobId }] }],
      });
      expect(res.status).to.equal(204);
      const { mapping } = explainExchange(table, s.last());
      expect(mapping?.rows).to.deep.equal([
        {
          scim: 'members',
          jumpcloud: 'members (member edges)',
          codec: 'memberIds',
          before: [janeId],
          value: [bobId],
          sent: `add ${bobId}; remove ${janeId}`,
          stored: `added ${bobId}; removed ${janeId}`,
        },
      ]);
    });

    it('a rejected group PATCH: the rule and fix, what it asked for, and that nothing was sent', async () => {
      const res = await s.scim.patch(`/Groups/${groupId}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: 'x'.repeat(1025) }],
      });
      expect(res.status).to.equal(400);
      const { mapping, rejection } = explainExchange(table, s.last());
      expect(rejection).to.deep.equal({ status: 400, scimType: res.data.scimType, detail: res.data.detail });
      expect(mapping?.rows).to.deep.equal([
        {
          scim: 'displayName',
          jumpcloud: 'name',
          codec: 'text',
          before: 'Mapping Crew',
          value: 'x'.repeat(1025),
          sent: '(not sent: the request was rejected)',
          stored: '(unchanged)',
        },
      ]);
    });
  });

  it('under DRY_RUN nothing is stored, and the row says so', async () => {
    const dry = await session({ DRY_RUN: 'true' });
    try {
      expect(
        (
          await dry.scim.post('/Users', {
            schemas: [USER],
            userName: 'dry.run',
            emails: [{ value: 'dry.run@example.com' }],
          })
        ).status,
      ).to.equal(201);
      const { mapping } = explainExchange(table, dry.last());
      expect(row(mapping?.rows, 'userName')).to.deep.include({
        sent: 'username="dry.run"',
        stored: '(DRY_RUN: not sent, nothing stored)',
      });
    } finally {
      await dry.sandbox.close();
    }
  });
});
