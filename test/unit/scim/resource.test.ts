import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { normaliseResource } from '../../../src/scim/resource.js';

const shipped = loadConfig({}).mappingFile;
const raw = loadAttributeTable(shipped, { deriveUsernameFromEmail: false }).raw;
const groups = loadGroupTable(raw, shipped).schema;

describe('scim/resource normalisation of input', () => {
  it('drops the read-only display decoration and a null $ref Entra copies onto members', () => {
    const doc = normaliseResource(
      {
        displayName: 'G',
        members: [
          { value: 'a', $ref: null, display: 'Ann' },
          { value: 'b', display: 'Bo' },
        ],
      },
      groups,
    );
    expect(doc.members).to.deep.equal([{ value: 'a' }, { value: 'b' }]);
  });

  it('skips empty values (null, [], {}) instead of storing or refusing them', () => {
    const doc = normaliseResource({ displayName: 'G', externalId: null, members: [] }, groups);
    expect(doc).to.deep.equal({ displayName: 'G' });
  });

  it('takes the manager as Entra writes it: a bare id, a legacy one-element array, or under its unqualified name', () => {
    const users = loadAttributeTable(shipped, { deriveUsernameFromEmail: false }).users.schema;
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const id = '6a1b2c3d4e5f6a7b8c9d0e1f';
    const want = { userName: 'u', [ENT]: { manager: { value: id } } };
    expect(normaliseResource({ userName: 'u', [ENT]: { manager: id } }, users)).to.deep.equal(want);
    expect(
      normaliseResource(
        { userName: 'u', [ENT]: { manager: [{ $ref: `https://b/scim/v2/Users/${id}`, value: id }] } },
        users,
      ),
    ).to.deep.equal({ userName: 'u', [ENT]: { manager: { $ref: `https://b/scim/v2/Users/${id}`, value: id } } });
    expect(normaliseResource({ userName: 'u', manager: id }, users)).to.deep.equal(want);
    expect(() => normaliseResource({ userName: 'u', [ENT]: { manager: 7 } }, users)).to.throw(
      /must be an object with sub-attributes/,
    );
  });
});
