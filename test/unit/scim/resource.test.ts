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
    const doc = normaliseResource({ displayName: 'G', members: [{ value: 'a', $ref: null, display: 'Ann' }, { value: 'b', display: 'Bo' }] }, groups);
    expect(doc.members).to.deep.equal([{ value: 'a' }, { value: 'b' }]);
  });

  it('skips empty values (null, [], {}) instead of storing or refusing them', () => {
    const doc = normaliseResource({ displayName: 'G', externalId: null, members: [] }, groups);
    expect(doc).to.deep.equal({ displayName: 'G' });
  });
});
