import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { detectDrift, driftNote } from '../../../src/mapping/drift.js';
import type { SystemUser } from '../../../src/jumpcloud/types.js';

const MAPPING = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config', 'mapping.json');
const table = loadAttributeTable(MAPPING, { deriveUsernameFromEmail: false }).users;
const stored = (over: Record<string, unknown> = {}): SystemUser =>
  ({ _id: 'a'.repeat(24), username: 'bjensen', email: 'bjensen@example.com', attributes: [], ...over }) as SystemUser;

describe('mapping/drift: what JumpCloud stored vs what was written, through the table', () => {
  it('a value stored as sent is no drift, and rows the write did not touch are never compared', () => {
    expect(
      detectDrift(table, { jobTitle: 'Engineer' }, stored({ jobTitle: 'Engineer', department: 'whatever' })),
    ).to.deep.equal([]);
  });

  it('clearing: "" stored as absent or "", and manager null stored as absent, are no drift', () => {
    expect(detectDrift(table, { jobTitle: '', manager: null }, stored())).to.deep.equal([]);
    expect(detectDrift(table, { jobTitle: '' }, stored({ jobTitle: '' }))).to.deep.equal([]);
  });

  it('a clear JumpCloud ignored is drift', () => {
    expect(detectDrift(table, { jobTitle: '' }, stored({ jobTitle: 'Engineer' }))).to.deep.equal([
      { attribute: 'title', sent: undefined, stored: 'Engineer' },
    ]);
  });

  it('names the SCIM attribute and both SCIM values: a trimmed name, a custom attribute; a lower-cased e-mail is no drift', () => {
    const drift = detectDrift(
      table,
      {
        email: 'BJensen@Example.com',
        firstname: ' Barbara ',
        attributes: [{ name: 'scimExternalId', value: 'Ext-1' }],
      },
      stored({
        email: 'bjensen@example.com',
        firstname: 'Barbara',
        attributes: [{ name: 'scimExternalId', value: 'ext-1' }],
      }),
    );
    // JumpCloud stores e-mails lowercased (fact emailsLowercased), and Entra compares them ignoring case.
    expect(drift.map((d) => d.attribute).sort()).to.deep.equal(['externalId', 'name.givenName']);
    expect(drift.find((d) => d.attribute === 'externalId')).to.deep.equal({
      attribute: 'externalId',
      sent: 'Ext-1',
      stored: 'ext-1',
    });
  });

  it('an answer that is not a user (a dry run with no body) is no drift', () => {
    expect(detectDrift(table, { jobTitle: 'x' }, undefined)).to.deep.equal([]);
  });

  it('reads custom attributes of an answer without an attributes list, or with malformed entries, as absent', () => {
    const answer = {
      _id: 'a'.repeat(24),
      username: 'bjensen',
      attributes: [null, { value: 'nameless' }, { name: 'scimExternalId' }],
    } as unknown as SystemUser;
    expect(detectDrift(table, { attributes: [{ name: 'scimExternalId', value: 'ext-1' }] }, answer)).to.deep.equal([
      { attribute: 'externalId', sent: 'ext-1', stored: undefined },
    ]);
    const bare = { _id: 'a'.repeat(24), username: 'bjensen' } as unknown as SystemUser;
    expect(detectDrift(table, { attributes: [{ name: 'scimExternalId', value: 'ext-1' }] }, bare)).to.deep.equal([
      { attribute: 'externalId', sent: 'ext-1', stored: undefined },
    ]);
  });

  it('skips a row that cannot read the answer instead of failing the write', () => {
    const answer = stored({ jobTitle: 'Clerk', phoneNumbers: 'not a list' });
    expect(
      detectDrift(table, { phoneNumbers: [{ type: 'work', number: '1' }], jobTitle: 'Boss' }, answer),
    ).to.deep.equal([{ attribute: 'title', sent: 'Boss', stored: 'Clerk' }]);
  });

  it('says what was stored and what was sent, "no value" for an absent one, as a warning note', () => {
    const note = driftNote('User', 'u1', { attribute: 'title', sent: undefined, stored: 'Engineer' });
    expect(note).to.deep.equal({
      level: 'warn',
      kind: 'drift',
      message:
        'Drift on User u1: JumpCloud stored title as "Engineer", not as sent (no value); Entra will read the stored value and may write the attribute again every cycle',
      data: { resource: 'User', id: 'u1', attribute: 'title', sent: undefined, stored: 'Engineer' },
    });
    expect(driftNote('Group', 'g1', { attribute: 'displayName', sent: 'A ', stored: undefined }).message).to.equal(
      'Drift on Group g1: JumpCloud stored displayName as no value, not as sent ("A "); Entra will read the stored value and may write the attribute again every cycle',
    );
  });
});
