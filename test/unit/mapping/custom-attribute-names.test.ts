import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';

function tableWith(rows: unknown[]): () => unknown {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'custom-names-')), 'mapping.json');
  writeFileSync(file, JSON.stringify({ users: rows }));
  return () => loadAttributeTable(file, { deriveUsernameFromEmail: true });
}

const USER_NAME = { scim: 'userName', jumpcloud: 'username', codec: 'userName', required: true };
const ADDRESSES = { scim: 'addresses', jumpcloud: 'addresses', codec: 'addresses' };

describe('mapping: JumpCloud custom attribute names (fewer than 32 letters and digits)', () => {
  it('a mapping row naming another custom attribute stops start-up with the rule', () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    for (const name of ['badge_id', 'a'.repeat(32), 'team-name', '']) {
      expect(tableWith([USER_NAME, { scim: `${ext}:x`, jumpcloud: `attributes.${name}` }]), name).to.throw(
        /is not a JumpCloud custom attribute name: it must be fewer than 32 characters, letters and digits only/,
      );
    }
    expect(tableWith([USER_NAME, { scim: `${ext}:x`, jumpcloud: `attributes.${'a'.repeat(31)}` }])).to.not.throw();
  });

  it("an address type too long for its formatted text's custom attribute is a 400 before anything is sent", () => {
    const table = (tableWith([USER_NAME, ADDRESSES])() as ReturnType<typeof loadAttributeTable>).users;
    const write = (type: string): unknown =>
      table.toJumpCloud({ userName: 'a', addresses: [{ type, formatted: 'Building 1' }] });
    expect(() => write('headquarters')).to.throw(
      /"scimAddressFormattedHeadquarters".*fewer than 32 letters and digits.*at most 11 letters/,
    );
    expect(write('work')).to.have.nested.property('custom.scimAddressFormattedWork', 'Building 1');
  });
});
