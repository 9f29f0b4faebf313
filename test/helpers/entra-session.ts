import { expect } from 'chai';
import type { Harness } from './bridge-harness.js';

const SESSION_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'bjensen',
  externalId: 'bjensen-ext',
  name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
  displayName: 'Babs Jensen',
  emails: [{ value: 'BJensen@Contoso.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 425 555 0100', type: 'mobile' }],
  active: true,
};

/**
 * A short Entra-like provisioning session: create, match, update, page, a group with a member, a miss, delete.
 * The record → replay round trip and the shipped example recording (scripts/record-example.ts) both run it.
 */
export async function entraSession(h: Harness): Promise<void> {
  const patch = (ops: unknown[]): unknown => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: ops,
  });
  const created = await h.request('POST', '/Users', SESSION_USER);
  expect(created.status).to.equal(201);
  const id = created.body.id as string;
  expect(
    (await h.request('GET', `/Users?filter=${encodeURIComponent('userName eq "bjensen"')}`)).body.totalResults,
  ).to.equal(1);
  expect(
    (await h.request('PATCH', `/Users/${id}`, patch([{ op: 'replace', path: 'title', value: 'Engineer' }]))).status,
  ).to.equal(200);
  expect((await h.request('GET', '/Users?startIndex=1&count=2')).status).to.equal(200);
  const group = await h.request('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Provisioning Pilots',
    externalId: 'g-1',
  });
  expect(group.status).to.equal(201);
  expect(
    (
      await h.request(
        'PATCH',
        `/Groups/${group.body.id as string}`,
        patch([{ op: 'add', path: 'members', value: [{ value: id }] }]),
      )
    ).status,
  ).to.equal(204);
  expect((await h.request('GET', `/Users/${'0'.repeat(23)}1`)).status).to.equal(404);
  expect((await h.request('DELETE', `/Users/${id}`)).status).to.equal(204);
}
