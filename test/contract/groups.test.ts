import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, pinnedJumpCloud, type Harness } from '../helpers/bridge-harness.js';

const GROUP_ID = '5f0c1e2d3c4b5a6978695a4b';
const OTHER_GROUP_ID = '5f0c1e2d3c4b5a6978695a4c';

/** A JumpCloud-shaped user id for test member `n`. */
const uid = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;

/** Reads: the caller's key as x-api-key and no body headers. */
const read = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': KEY }, badheaders: ['content-type'] });
/** Writes with a JSON body: the key and `content-type: application/json`. */
const write = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': KEY, 'content-type': 'application/json' } });
/** DELETE: the key, no body. */
const del = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': KEY }, badheaders: ['content-type'] });

const total = (n: number): Record<string, string> => ({ 'x-total-count': String(n) });

/** The admin's description: the bridge keeps it and appends only its marked trailer (externalId). */
const ADMIN_TEXT = 'Owned by sales ops; ask #it-help before changing';
const SUDO = { enabled: false, withoutPassword: false };
/**
 * A group as the bridge leaves it: Entra's externalId (none for '') in the description's trailer after the admin's
 * text, and the admin's settings alone in `attributes`.
 */
const ext = (externalId: string): Record<string, unknown> => ({
  attributes: { sudo: SUDO },
  description: externalId ? `${ADMIN_TEXT} [scim-bridge externalId=${encodeURIComponent(externalId)}]` : ADMIN_TEXT,
});

function group(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: GROUP_ID,
    name: 'Sales Team',
    type: 'user_group',
    membershipMethod: 'STATIC',
    ...ext('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'),
    suggestionCounts: { add: 0, remove: 0, total: 0 },
    ...over,
  };
}

const member = (id: string): Record<string, unknown> => ({
  to: { id, type: 'user' },
  from: { id: GROUP_ID, type: 'user_group' },
  attributes: {},
});

/** The PUT body the bridge must send: the writable fields it read (the admin's description included), with name/externalId changed. */
function putBody(name: string, externalId: string): nock.DataMatcherMap {
  return { ...ext(externalId), membershipMethod: 'STATIC', name };
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/entra/groups/${name}`, import.meta.url), 'utf8')) as unknown;

const patchOp = (...ops: unknown[]): unknown => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

function rec(v: unknown): Record<string, unknown> {
  expect(v).to.be.an('object');
  return v as Record<string, unknown>;
}

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const bridge = pinnedJumpCloud({ MEMBER_CONCURRENCY: '4' });
  let app: { scim: Harness['request']; base: string; logs: string[] };
  beforeEach(() => {
    const h = bridge();
    app = { scim: (method, path, body) => h.request(method, path, body), base: h.base, logs: h.logs };
  });

  describe('matching and listing', () => {
    it('answers the random-GUID canary with an empty ListResponse, never 404', async () => {
      const guid = '3f1c2a4e-8b7d-4c6e-9a1b-0d2e3f4a5b6c';
      read()
        .get('/api/v2/usergroups')
        .query({ filter: `name:search:${guid}`, limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${guid}"`)}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });

    it('matches displayName ignoring case: pushes down name:search, re-checks exactly, reads no members', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:SALES TEAM', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group(), group({ id: OTHER_GROUP_ID, name: 'Sales Team EMEA', ...ext('') })], total(2));
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "SALES TEAM"')}`,
      );
      expect(res.status).to.equal(200);
      const body = rec(res.body);
      expect(body.totalResults).to.equal(1);
      expect(body.Resources).to.deep.equal([
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          id: GROUP_ID,
          externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
          displayName: 'Sales Team',
          meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
        },
      ]);
    });

    it('pushes only the comma-free part of a displayName into the v2 filter', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:finance ops', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ name: 'Paris, Finance Ops' })], total(1));
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "paris, finance ops"')}`,
      );
      expect(rec(res.body).totalResults).to.equal(1);
    });

    it('pages GET /Groups upstream with startIndex/count and reports x-total-count', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ limit: '2', skip: '2', sort: '_id' })
        .reply(200, [group(), group({ id: OTHER_GROUP_ID, name: 'B' })], total(7));
      const res = await app.scim('GET', '/Groups?startIndex=3&count=2&attributes=displayName');
      const body = rec(res.body);
      expect(res.status).to.equal(200);
      expect(body.totalResults).to.equal(7);
      expect(body.startIndex).to.equal(3);
      expect(body.itemsPerPage).to.equal(2);
      expect(body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: GROUP_ID, displayName: 'Sales Team' },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: OTHER_GROUP_ID, displayName: 'B' },
      ]);
    });

    it('reads members for each listed group when they are not excluded', async () => {
      read().get('/api/v2/usergroups').query({ limit: '1', skip: '0', sort: '_id' }).reply(200, [group()], total(1));
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [member(uid(1))], total(1));
      const res = await app.scim('GET', '/Groups?count=1');
      const [first] = rec(res.body).Resources as Record<string, unknown>[];
      expect(first?.members).to.deep.equal([{ value: uid(1), $ref: `${app.base}/Users/${uid(1)}`, type: 'User' }]);
    });

    it('filters on externalId locally over every page (externalId is not a v2 filter field)', async () => {
      const many = Array.from({ length: 100 }, (_, i) =>
        group({ id: `5f${i.toString(16).padStart(22, '0')}`, name: `g${i}`, ...ext(`ext-${i}`) }),
      );
      read().get('/api/v2/usergroups').query({ limit: '100', skip: '0', sort: '_id' }).reply(200, many, total(150));
      read()
        .get('/api/v2/usergroups')
        .query({ limit: '100', skip: '100', sort: '_id' })
        .reply(
          200,
          [
            ...Array.from({ length: 49 }, (_, i) =>
              group({ id: `5e${i.toString(16).padStart(22, '0')}`, name: `h${i}`, ...ext(`x-${i}`) }),
            ),
            group({ ...ext('Ext-7') }),
          ],
          total(150),
        );
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('externalId eq "ext-7"')}`,
      );
      const body = rec(res.body);
      // externalId is caseExact: 'Ext-7' does not match.
      expect(body.totalResults).to.equal(1);
      expect((body.Resources as Record<string, unknown>[])[0]?.displayName).to.equal('g7');
    });

    it('evaluates or/not/co/sw/ew/pr locally and pages the matches', async () => {
      const groups = [
        group({ id: uid(1).replace(/^6a/, '5f'), name: 'Alpha', ...ext('') }),
        group({ id: uid(2).replace(/^6a/, '5f'), name: 'beta-x', ...ext('e1') }),
        group({ id: uid(3).replace(/^6a/, '5f'), name: 'Gamma', ...ext('e2') }),
      ];
      const f = '(displayName sw "AL" or displayName ew "X") and not (displayName co "zzz") and externalId pr';
      read().get('/api/v2/usergroups').query({ limit: '100', skip: '0', sort: '_id' }).reply(200, groups, total(3));
      const res = await app.scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(f)}`);
      expect((rec(res.body).Resources as Record<string, unknown>[]).map((r) => r.displayName)).to.deep.equal([
        'beta-x',
      ]);
    });

    it('answers tooMany when a residual filter would scan beyond MAX_FILTER_SCAN', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group()], total(20_000));
      const res = await app.scim('GET', `/Groups?filter=${encodeURIComponent('externalId eq "x"')}`);
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('tooMany');
    });

    it('refuses a filter on members with invalidFilter and calls nothing', async () => {
      const res = await app.scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${uid(1)}"]`)}`);
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidFilter');
    });

    it('serves POST /Groups/.search like GET', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:sales team', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group()], total(1));
      const res = await app.scim('POST', '/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName eq "sales team"',
        excludedAttributes: ['members'],
        startIndex: 1,
        count: 10,
      });
      expect(res.status).to.equal(200);
      expect(rec(res.body).totalResults).to.equal(1);
      expect((rec(res.body).Resources as Record<string, unknown>[])[0]).to.not.have.property('members');
    });
  });

  describe('GET /Groups/{id}', () => {
    it('with excludedAttributes=members reads only the group', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      const res = await app.scim('GET', `/Groups/${GROUP_ID}?excludedAttributes=members`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: GROUP_ID,
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Sales Team',
        meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
      });
    });

    it('reads a 5,000-member group 100 per page', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      for (let skip = 0; skip < 5000; skip += 100) {
        const page = Array.from({ length: 100 }, (_, i) => member(uid(skip + i)));
        read()
          .get(`/api/v2/usergroups/${GROUP_ID}/members`)
          .query({ limit: '100', skip: String(skip) })
          .reply(200, page, total(5000));
      }
      const res = await app.scim('GET', `/Groups/${GROUP_ID}`);
      expect(res.status).to.equal(200);
      const members = rec(res.body).members as { value: string }[];
      expect(members).to.have.length(5000);
      expect(new Set(members.map((m) => m.value)).size).to.equal(5000);
      expect(members[4999]).to.deep.equal({ value: uid(4999), $ref: `${app.base}/Users/${uid(4999)}`, type: 'User' });
    });

    it('answers 404 for an unknown group and for a malformed id (which never goes upstream)', async () => {
      read().get(`/api/v2/usergroups/${OTHER_GROUP_ID}`).reply(404, { message: 'Not Found' });
      expect((await app.scim('GET', `/Groups/${OTHER_GROUP_ID}`)).status).to.equal(404);
      expect((await app.scim('GET', '/Groups/not-an-id')).status).to.equal(404);
    });
  });

  describe('POST /Groups', () => {
    it("creates Entra's group (no members, extra URN, meta) → 201 with Location and members: []", async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .post('/api/v2/usergroups', {
          name: 'displayName',
          description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
        })
        .reply(201, group({ name: 'displayName' }));
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(res.status).to.equal(201);
      expect(res.headers.get('location')).to.equal(`${app.base}/Groups/${GROUP_ID}`);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: GROUP_ID,
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'displayName',
        members: [],
        meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
      });
    });

    it('refuses a displayName that differs only in case with 409 uniqueness, before creating', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ name: 'DISPLAYNAME' })], total(1));
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(res.status).to.equal(409);
      expect(rec(res.body).scimType).to.equal('uniqueness');
    });

    it('a name JumpCloud stores differently (trimmed) is a drift warning, and the answer shows what it stored', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Team', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .post('/api/v2/usergroups', { name: 'Team ' })
        .reply(201, group({ name: 'Team', description: '' }));
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team ',
      });
      expect(res.status).to.equal(201);
      expect(rec(res.body).displayName).to.equal('Team');
      const warn = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.kind === 'drift');
      expect(warn).to.include({
        level: 'warn',
        resource: 'Group',
        id: GROUP_ID,
        attribute: 'displayName',
        sent: 'Team ',
        stored: 'Team',
      });
    });

    it("maps JumpCloud's own 'Already Exists' to 409 uniqueness", async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .post('/api/v2/usergroups', {
          name: 'displayName',
          description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
        })
        .reply(409, { message: 'Already Exists' });
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(res.status).to.equal(409);
      expect(rec(res.body).scimType).to.equal('uniqueness');
    });

    it('a lost create adopts only a group with the same name and externalId, and never re-sends the POST', async () => {
      const extId = '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159';
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      let posts = 0;
      write()
        .persist()
        .post('/api/v2/usergroups')
        .reply(() => {
          posts += 1;
          return [502, { message: 'bad gateway' }];
        });
      // Someone else's group of that name (another externalId) is not the one this create made.
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ name: 'displayName', ...ext('another-anchor') })], total(1));
      const refused = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(refused.status).to.equal(502);
      expect(posts).to.equal(1);

      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:displayName', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ name: 'displayName', ...ext(extId) })], total(1));
      const adopted = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(adopted.status).to.equal(201);
      expect(rec(adopted.body).id).to.equal(GROUP_ID);
      expect(posts).to.equal(2);
    });

    it('adds the members a POST carries after creating the group', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Team', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .post('/api/v2/usergroups', { name: 'Team' })
        .reply(201, group({ name: 'Team', ...ext('') }));
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(1) })
        .reply(204);
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(2) })
        .reply(204);
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        members: [{ value: uid(1) }, { value: uid(2), $ref: null }],
      });
      expect(res.status).to.equal(201);
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(1), uid(2)]);
    });

    it('refuses a POST without displayName', async () => {
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        externalId: 'x',
      });
      expect(res.status).to.equal(400);
    });
  });

  describe('PATCH /Groups/{id}', () => {
    const path = `/Groups/${GROUP_ID}`;
    const addMember = (
      id: string,
      reply: number,
      body: unknown = reply === 409 ? { message: 'Already Exists' } : undefined,
    ): nock.Scope =>
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id })
        .reply(reply, body as nock.Body);
    const removeMember = (id: string, reply: number): nock.Scope =>
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'remove', type: 'user', id })
        .reply(reply, reply === 404 ? { message: 'Not Found' } : undefined);

    it('adds several members in one op and treats a re-add (409) as success', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      addMember(uid(1), 204);
      addMember(uid(2), 409);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Add', path: 'members', value: [{ value: uid(1) }, { $ref: null, value: uid(2) }] }),
      );
      expect(res.status).to.equal(204);
      expect(res.body).to.equal(undefined);
    });

    it('default-mode Remove with a value list removes only those, and a re-remove (404) is success', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      removeMember(uid(1), 204);
      removeMember(uid(2), 404);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Remove', path: 'members', value: [{ value: uid(1) }, { value: uid(2) }] }),
      );
      expect(res.status).to.equal(204);
    });

    it('replace of members sends only the difference from the current members', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [member(uid(1)), member(uid(2))], total(2));
      removeMember(uid(1), 204);
      addMember(uid(3), 204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'replace', path: 'members', value: [{ value: uid(2) }, { value: uid(3) }] }),
      );
      expect(res.status).to.equal(204);
    });

    it('add then flag-mode remove of the same member in one request ends with it removed', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      removeMember(uid(1), 404);
      addMember(uid(2), 204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: uid(1) }, { value: uid(2) }] },
          { op: 'remove', path: `members[value eq "${uid(1)}"]` },
        ),
      );
      expect(res.status).to.equal(204);
    });

    it('replaces displayName: uniqueness pre-check, then a full-update PUT that keeps the fields it does not own', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Renamed', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ name: 'Renamed' })], total(1));
      write()
        .put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Renamed', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'))
        .reply(200, group({ name: 'Renamed' }));
      const res = await app.scim('PATCH', path, patchOp({ op: 'Replace', path: 'displayName', value: 'Renamed' }));
      // The only 'Renamed' JumpCloud found is this group itself, so it is not a clash.
      expect(res.status).to.equal(204);
    });

    it('refuses a rename onto another group’s name (any case) with 409 and writes nothing', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Support', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ id: OTHER_GROUP_ID, name: 'SUPPORT' })], total(1));
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Support' },
          { op: 'add', path: 'members', value: [{ value: uid(1) }] },
        ),
      );
      expect(res.status).to.equal(409);
    });

    it('replaces externalId path-less and answers 200 with the resource when the request asks for attributes', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Sales Team', 'new-ext'))
        .reply(200, group({ ...ext('new-ext') }));
      const res = await app.scim(
        'PATCH',
        `${path}?excludedAttributes=members`,
        patchOp({ op: 'replace', value: { externalId: 'new-ext' } }),
      );
      expect(res.status).to.equal(200);
      expect(rec(res.body).externalId).to.equal('new-ext');
      expect(rec(res.body)).to.not.have.property('members');
    });

    it('refuses a member id that is not 24-hex with invalidValue naming it, before any JumpCloud call', async () => {
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }, { value: 'not-a-user' }] }),
      );
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidValue');
      expect(String(rec(res.body).detail)).to.contain('"not-a-user"');
    });

    it('reports an unknown user (JumpCloud 404 on add) as invalidValue naming it and which ids did succeed', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      addMember(uid(1), 204);
      addMember(uid(9), 404, { message: 'user not found' });
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }, { value: uid(9) }] }),
      );
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidValue');
      const detail = String(rec(res.body).detail);
      expect(detail).to.contain(`added: ${uid(1)}`);
      expect(detail).to.contain(`failed: ${uid(9)} (not a JumpCloud user)`);
    });

    it('on an upstream failure mid-batch says which ids succeeded, which failed and which were not attempted', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      // Four lanes: the remove and the adds of 3 and 4 answer late, so the lane whose add of 2 fails at once is the
      // first free one and meets the add of 5 after the failure: a systemic failure (a 500) stops it being sent.
      const late = (op: 'add' | 'remove', id: string): nock.Scope =>
        write().post(`/api/v2/usergroups/${GROUP_ID}/members`, { op, type: 'user', id }).delay(100).reply(204);
      late('remove', uid(1));
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(2) })
        .reply(500, { message: 'boom' });
      late('add', uid(3));
      late('add', uid(4));
      const started = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'remove', path: 'members', value: [{ value: uid(1) }] },
          { op: 'add', path: 'members', value: [2, 3, 4, 5].map((n) => ({ value: uid(n) })) },
        ),
      );
      expect(started.status).to.equal(502);
      const detail = String(rec(started.body).detail);
      expect(detail).to.contain(
        `added: ${uid(3)}, ${uid(4)}; removed: ${uid(1)}; failed: ${uid(2)} (add: JumpCloud said: boom); not attempted: ${uid(5)} (add).`,
      );
    });

    it('retries a throttled member write through the client retry policy', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      addMember(uid(1), 503, { message: 'busy' });
      addMember(uid(1), 204);
      const res = await app.scim('PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }));
      expect(res.status).to.equal(204);
    });

    it('refuses member writes to a dynamic group with a clear 400', async () => {
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}`)
        .reply(200, group({ membershipMethod: 'DYNAMIC_AUTOMATED' }));
      const res = await app.scim('PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }));
      expect(res.status).to.equal(400);
      expect(String(rec(res.body).detail)).to.contain('dynamic membership (DYNAMIC_AUTOMATED)');
    });

    it('answers 404 for PATCH of an unknown group', async () => {
      read().get(`/api/v2/usergroups/${OTHER_GROUP_ID}`).reply(404, { message: 'Not Found' });
      const res = await app.scim(
        'PATCH',
        `/Groups/${OTHER_GROUP_ID}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }),
      );
      expect(res.status).to.equal(404);
    });

    it('adds 1,000 members with at most MEMBER_CONCURRENCY (4) writes in flight', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      let inFlight = 0;
      let peak = 0;
      const seen = new Set<string>();
      write()
        .post(
          `/api/v2/usergroups/${GROUP_ID}/members`,
          (b: { op?: string; type?: string; id?: string }) =>
            b.op === 'add' && b.type === 'user' && typeof b.id === 'string' && Object.keys(b).length === 3,
        )
        .times(1000)
        .reply((_uri, body, cb) => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          seen.add((body as { id: string }).id);
          setImmediate(() => {
            inFlight -= 1;
            cb(null, [204, '']);
          });
        });
      const value = Array.from({ length: 1000 }, (_, i) => ({ value: uid(i) }));
      const res = await app.scim('PATCH', path, patchOp({ op: 'Add', path: 'members', value }));
      expect(res.status).to.equal(204);
      expect(seen.size).to.equal(1000);
      expect(peak).to.be.at.most(4);
      expect(peak).to.be.at.least(2);
    });
  });

  describe('PUT /Groups/{id} and nested groups (issue 9)', () => {
    const path = `/Groups/${GROUP_ID}`;

    it("PUT reads the group and its members, PUTs the group once with the admin's description and settings, and writes only the member difference", async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      // A new name is checked for uniqueness (ignoring case) before anything is written.
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Sales EMEA', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group()], total(1));
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [member(uid(1)), member(uid(2))], total(2));
      write()
        .put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Sales EMEA', 'okta-1'))
        .reply(200, group({ name: 'Sales EMEA', ...ext('okta-1') }));
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'remove', type: 'user', id: uid(1) })
        .reply(204);
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(3) })
        .reply(204);
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [member(uid(2)), member(uid(3))], total(2));
      const res = await app.scim('PUT', path, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales EMEA',
        externalId: 'okta-1',
        members: [
          { value: uid(2), display: 'Two' },
          { value: uid(3), display: 'Three', type: 'User' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(2), uid(3)]);
    });

    it('a member JumpCloud refuses is looked up as a group: a group is skipped (204), the users are still written', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(1) })
        .reply(204);
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: OTHER_GROUP_ID })
        .reply(400, { message: 'Bad Request: not a user' });
      read()
        .get(`/api/v2/usergroups/${OTHER_GROUP_ID}`)
        .reply(200, group({ id: OTHER_GROUP_ID, name: 'Nested' }));
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({
          op: 'Add',
          path: 'members',
          value: [{ value: uid(1) }, { value: OTHER_GROUP_ID, display: 'Nested' }],
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(204);
    });

    it('a refused member that is not a group either keeps the 400 naming it', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(9) })
        .reply(404, { message: 'user not found' });
      read()
        .get(`/api/v2/usergroups/${uid(9)}`)
        .reply(404, { message: 'Not Found' });
      const res = await app.scim('PATCH', path, patchOp({ op: 'Add', path: 'members', value: [{ value: uid(9) }] }));
      expect(res.status).to.equal(400);
      expect(rec(res.body).detail).to.contain(`${uid(9)} (not a JumpCloud user)`);
    });
  });

  describe('DELETE /Groups/{id}', () => {
    it('answers 204, then GET answers 404', async () => {
      del().delete(`/api/v2/usergroups/${GROUP_ID}`).reply(204);
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(404, { message: 'Not Found' });
      expect((await app.scim('DELETE', `/Groups/${GROUP_ID}`)).status).to.equal(204);
      expect((await app.scim('GET', `/Groups/${GROUP_ID}?excludedAttributes=members`)).status).to.equal(404);
    });

    it('answers 404 for an unknown group', async () => {
      del().delete(`/api/v2/usergroups/${OTHER_GROUP_ID}`).reply(404, { message: 'Not Found' });
      expect((await app.scim('DELETE', `/Groups/${OTHER_GROUP_ID}`)).status).to.equal(404);
    });
  });

  describe('discovery', () => {
    it('/ResourceTypes and /Schemas describe Group from the mapping rows', async () => {
      const types = rec((await app.scim('GET', '/ResourceTypes')).body);
      expect((types.Resources as Record<string, unknown>[]).map((r) => r.id)).to.include('Group');
      const schema = rec((await app.scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group')).body);
      const attrs = schema.attributes as Record<string, unknown>[];
      expect(attrs.map((a) => a.name)).to.deep.equal(['externalId', 'displayName', 'members']);
      expect(attrs[1]).to.include({ required: true, uniqueness: 'server', caseExact: false });
      expect(attrs[0]).to.include({ caseExact: true });
      const members = attrs[2] as { multiValued: boolean; type: string; subAttributes: { name: string }[] };
      expect(members.multiValued).to.equal(true);
      expect(members.type).to.equal('complex');
      expect(members.subAttributes.map((s) => s.name)).to.deep.equal(['value', '$ref', 'type', 'display', 'primary']);
    });
  });

  describe("replay of Entra's group requests (test/fixtures/entra/groups)", () => {
    /** Entra sends back the ids the bridge gave it; the documented samples use other systems' ids, so swap them in. */
    const ids: Record<string, string> = {
      f648f8d5ea4e4cd38e9c: uid(1),
      u1091: uid(2),
      '7f4bc1a3-285e-48ae-8202-5accb43efb0e': uid(3),
      'validator-member-1': uid(4),
      'validator-member-2': uid(5),
    };
    const load = (name: string, swap = true): unknown => {
      let text = readFileSync(new URL(`../fixtures/entra/groups/${name}`, import.meta.url), 'utf8');
      if (swap) for (const [from, to] of Object.entries(ids)) text = text.split(from).join(to);
      return JSON.parse(text) as unknown;
    };
    const getGroup = (): nock.Scope => read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
    const memberWrite = (op: 'add' | 'remove', id: string, status: number): nock.Scope =>
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op, type: 'user', id })
        .reply(status, status === 204 ? undefined : { message: 'x' });
    const noClash = (name: string): nock.Scope =>
      read()
        .get('/api/v2/usergroups')
        .query({ filter: `name:search:${name}`, limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));

    const cases: {
      fixture: string;
      method: 'POST' | 'PATCH';
      swap?: boolean;
      upstream: () => void;
      status: number;
      check?: (body: unknown) => void;
    }[] = [
      {
        fixture: 'create-group.json',
        method: 'POST',
        upstream: () => {
          noClash('displayName');
          write()
            .post('/api/v2/usergroups', {
              name: 'displayName',
              description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
            })
            .reply(201, group({ name: 'displayName' }));
        },
        status: 201,
        check: (b) =>
          expect(rec(b)).to.include({ displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' }),
      },
      {
        fixture: 'patch-replace-displayname.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          noClash('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
          write()
            .put(
              `/api/v2/usergroups/${GROUP_ID}`,
              putBody('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'),
            )
            .reply(200, group({ name: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }));
        },
        status: 204,
      },
      {
        fixture: 'patch-add-members.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('add', uid(1), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-members.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(1), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-members-default-mode.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(2), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-member-flag-mode.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(3), 404)),
        status: 204,
      },
      {
        fixture: 'validator-replace-displayname-pathless.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          noClash('validator-renamed-group');
          write()
            .put(
              `/api/v2/usergroups/${GROUP_ID}`,
              putBody('validator-renamed-group', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'),
            )
            .reply(200, group({ name: 'validator-renamed-group' }));
        },
        status: 204,
      },
      {
        fixture: 'validator-replace-externalid-pathless.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          write()
            .put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Sales Team', 'validator-external-id'))
            .reply(200, group({ ...ext('validator-external-id') }));
        },
        status: 204,
      },
      {
        fixture: 'validator-replace-members.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          read()
            .get(`/api/v2/usergroups/${GROUP_ID}/members`)
            .query({ limit: '100', skip: '0' })
            .reply(200, [member(uid(4)), member(uid(1))], total(2));
          memberWrite('remove', uid(1), 204);
          memberWrite('add', uid(5), 204);
        },
        status: 204,
      },
      {
        fixture: 'validator-add-then-remove.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(4), 404)),
        status: 204,
      },
      {
        fixture: 'patch-add-members.json',
        method: 'PATCH',
        swap: false,
        upstream: () => undefined,
        status: 400,
        check: (b) => expect(String(rec(b).detail)).to.contain('"f648f8d5ea4e4cd38e9c" is not a JumpCloud user id'),
      },
    ];

    it('every file in test/fixtures/entra/groups is replayed by a case here', () => {
      const files = readdirSync(new URL('../fixtures/entra/groups/', import.meta.url)).sort();
      expect([...new Set(cases.map((c) => c.fixture))].sort()).to.deep.equal(files);
    });

    for (const c of cases) {
      it(`${c.fixture}${c.swap === false ? ' (ids as documented, not JumpCloud ids)' : ''} → ${c.status}`, async () => {
        c.upstream();
        const res = await app.scim(
          c.method,
          c.method === 'POST' ? '/Groups' : `/Groups/${GROUP_ID}`,
          load(c.fixture, c.swap !== false),
        );
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        c.check?.(res.body);
      });
    }
  });

  describe('edges of PUT, PATCH and POST (what each answer says, and what is never written)', () => {
    const path = `/Groups/${GROUP_ID}`;
    const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const EXTERNAL = '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159';
    const membersPage = (...ids: string[]): nock.Scope =>
      read()
        .get(`/api/v2/usergroups/${GROUP_ID}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, ids.map(member), total(ids.length));
    const logged = (kind: string): Record<string, unknown>[] =>
      app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === kind);

    it('a PUT without members leaves the membership alone, and one without externalId removes it from the group', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .put(path.replace('/Groups', '/api/v2/usergroups'), putBody('Sales Team', ''))
        .reply(200, group(ext('')));
      membersPage(uid(1));
      const res = await app.scim('PUT', path, { schemas: [SCHEMA], displayName: 'Sales Team' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(rec(res.body)).to.not.have.property('externalId');
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(1)]);
    });

    it('a PUT with members: [] removes every member and sends no group PUT when the fields are unchanged', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      membersPage(uid(1), uid(2));
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'remove', type: 'user', id: uid(1) })
        .reply(204);
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'remove', type: 'user', id: uid(2) })
        .reply(204);
      membersPage();
      const res = await app.scim('PUT', path, {
        schemas: [SCHEMA],
        displayName: 'Sales Team',
        externalId: EXTERNAL,
        Members: [],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(rec(res.body).members).to.deep.equal([]);
    });

    it("a group PUT JumpCloud refuses as a duplicate is a 409 naming the name, and other refusals keep JumpCloud's reason", async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Ops', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Ops', EXTERNAL))
        .reply(409, { message: 'Conflict: name taken' });
      const dup = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: 'Ops' }));
      expect(dup.status).to.equal(409);
      expect(rec(dup.body)).to.include({
        scimType: 'uniqueness',
        detail: 'JumpCloud already has a user group named "Ops". JumpCloud said: Conflict: name taken',
      });

      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Ops', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write().put(`/api/v2/usergroups/${GROUP_ID}`, putBody('Ops', EXTERNAL)).reply(404, { message: 'Not Found' });
      const gone = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: 'Ops' }));
      expect([gone.status, rec(gone.body).detail]).to.deep.equal([404, `Group ${GROUP_ID} not found`]);
    });

    it('refuses a rename to blanks before any write, and a create without a usable name', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      const renamed = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: '   ' }));
      expect(renamed.status).to.equal(400);
      expect(rec(renamed.body)).to.include({
        scimType: 'invalidValue',
        detail: "'displayName' cannot be empty: JumpCloud requires a group name",
      });
      const created = await app.scim('POST', '/Groups', { schemas: [SCHEMA], displayName: '  ' });
      expect(created.status).to.equal(400);
      expect(rec(created.body)).to.include({
        scimType: 'invalidValue',
        detail: "'displayName' is required: JumpCloud cannot store a group without a name",
      });
    });

    it('sorts by displayName here (ignoring case) over every group, and pages the sorted list', async () => {
      const named = (n: number, name: string): Record<string, unknown> => group({ id: uid(n), name });
      const all = [named(1, 'beta'), named(2, 'Alpha'), named(3, 'gamma')];
      read().get('/api/v2/usergroups').query({ limit: '100', skip: '0', sort: '_id' }).reply(200, all, total(3));
      const desc = await app.scim('GET', '/Groups?sortBy=displayName&sortOrder=descending&excludedAttributes=members');
      expect(desc.status).to.equal(200);
      expect((rec(desc.body).Resources as { displayName: string }[]).map((g) => g.displayName)).to.deep.equal([
        'gamma',
        'beta',
        'Alpha',
      ]);
      read().get('/api/v2/usergroups').query({ limit: '100', skip: '0', sort: '_id' }).reply(200, all, total(3));
      const second = await app.scim(
        'GET',
        '/Groups?sortBy=displayName&startIndex=2&count=1&excludedAttributes=members',
      );
      expect(rec(second.body)).to.include({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect((rec(second.body).Resources as { displayName: string }[]).map((g) => g.displayName)).to.deep.equal([
        'beta',
      ]);
    });

    it('skips a nested group with a warning that tells the admin what to do instead', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: OTHER_GROUP_ID })
        .reply(400, { message: 'Bad Request: not a user' });
      read()
        .get(`/api/v2/usergroups/${OTHER_GROUP_ID}`)
        .reply(200, group({ id: OTHER_GROUP_ID, name: 'Nested' }));
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Add', path: 'members', value: [{ value: OTHER_GROUP_ID }] }),
      );
      expect(res.status).to.equal(204);
      const warn = logged('memberSkipped').at(-1);
      expect(warn).to.include({
        level: 'warn',
        message:
          `Group ${GROUP_ID}: skipped member ${OTHER_GROUP_ID} (add): it is a JumpCloud user group, and JumpCloud user groups hold users only. ` +
          "Entra sends this for nested groups; assign the nested group's users to the app directly if they need this group.",
      });
    });

    it('a refused member write that is not systemic is a 400 listing what was and was not changed', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'remove', type: 'user', id: uid(2) })
        .reply(400, { message: 'bad edge' });
      read()
        .get(`/api/v2/usergroups/${uid(2)}`)
        .reply(404, { message: 'Not Found' });
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(1) })
        .reply(204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'remove', path: 'members', value: [{ value: uid(2) }] },
          { op: 'add', path: 'members', value: [{ value: uid(1) }] },
        ),
      );
      expect(res.status).to.equal(400);
      expect(rec(res.body)).to.include({
        scimType: 'invalidValue',
        detail: `In group ${GROUP_ID} some members could not be changed: added: ${uid(1)}; removed: none; failed: ${uid(2)} (remove: JumpCloud said: bad edge); not attempted: none. Provision those users through /Users first.`,
      });
    });
  });

  describe('MAX_MEMBER_OPERATIONS', () => {
    const small = pinnedJumpCloud({ MAX_MEMBER_OPERATIONS: '2' });
    const body = (n: number): unknown =>
      patchOp({ op: 'add', path: 'members', value: [1, 2, 3].slice(0, n).map((i) => ({ value: uid(i) })) });

    it('refuses a request with more member operations than the bound before any JumpCloud call, saying how to batch', async () => {
      const res = await small().request('PATCH', `/Groups/${GROUP_ID}`, body(3));
      expect(res.status).to.equal(413);
      expect(res.body.detail).to.equal(
        'This request carries 3 member operations; the bridge takes at most 2 per request (MAX_MEMBER_OPERATIONS), each being one JumpCloud call. Send the members in smaller batches.',
      );
      const created = await small().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        members: [1, 2, 3].map((i) => ({ value: uid(i) })),
      });
      expect(created.status).to.equal(413);
    });

    it('takes a request at the bound', async () => {
      read().get(`/api/v2/usergroups/${GROUP_ID}`).reply(200, group());
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(1) })
        .reply(204);
      write()
        .post(`/api/v2/usergroups/${GROUP_ID}/members`, { op: 'add', type: 'user', id: uid(2) })
        .reply(204);
      expect((await small().request('PATCH', `/Groups/${GROUP_ID}`, body(2))).status).to.equal(204);
    });
  });

  describe('UNKNOWN_ATTRIBUTES=ignore', () => {
    const lenient = pinnedJumpCloud({ UNKNOWN_ATTRIBUTES: 'ignore' });

    it('creates the group without the unknown attribute and warns once, naming it', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Team', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [], total(0));
      write()
        .post('/api/v2/usergroups', { name: 'Team' })
        .reply(201, group({ name: 'Team', ...ext('') }));
      const h = lenient();
      const res = await h.request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        nickName: 'T',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const warn = h.logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.kind === 'attributeIgnored');
      expect(warn.map((w) => [w.level, w.message])).to.deep.equal([
        ['warn', "Ignored attribute 'nickName': it is not in the groups mapping (UNKNOWN_ATTRIBUTES=ignore)."],
      ]);
    });
  });
});

/** The group name's case rule and uniqueness come from the mapping file's name row, not from code. */
describe('contract: the group name row decides how names are compared', () => {
  const mappingWith = (over: Record<string, unknown>): string => {
    const shipped = JSON.parse(readFileSync('config/mapping.json', 'utf8')) as {
      users: unknown[];
      groups: Record<string, unknown>[];
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'group-name-row-'));
    const file = path.join(dir, 'mapping.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...shipped,
        groups: shipped.groups.map((r) => (r.scim === 'displayName' ? { ...r, ...over } : r)),
      }),
    );
    return file;
  };

  describe('caseExact: true', () => {
    const bridge = pinnedJumpCloud({ MAPPING_FILE: mappingWith({ caseExact: true }) });
    it('a name that differs only in case is another name: the group is created', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Sales', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ id: OTHER_GROUP_ID, name: 'SALES' })], total(1));
      write()
        .post('/api/v2/usergroups', { name: 'Sales' })
        .reply(201, group({ name: 'Sales' }));
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect(res.status, res.text).to.equal(201);
    });
    it('the same name in the same case is still refused, and the detail does not claim case is ignored', async () => {
      read()
        .get('/api/v2/usergroups')
        .query({ filter: 'name:search:Sales', limit: '100', skip: '0', sort: '_id' })
        .reply(200, [group({ id: OTHER_GROUP_ID, name: 'Sales' })], total(1));
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect([res.status, rec(res.body).scimType]).to.deep.equal([409, 'uniqueness']);
      expect(rec(res.body).detail).to.equal(
        `A JumpCloud user group (id ${OTHER_GROUP_ID}) is already named "Sales"; group names are unique.`,
      );
    });
  });

  describe("uniqueness: 'none'", () => {
    const bridge = pinnedJumpCloud({ MAPPING_FILE: mappingWith({ uniqueness: 'none' }) });
    it('no name search before the create: JumpCloud is the only judge', async () => {
      write()
        .post('/api/v2/usergroups', { name: 'Sales' })
        .reply(201, group({ name: 'Sales' }));
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect(res.status, res.text).to.equal(201);
    });
  });
});
