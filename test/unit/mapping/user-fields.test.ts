import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { parseFilter } from '../../../src/scim/filter.js';
import { filterAttributes } from '../../../src/scim/filter-eval.js';
import { parseProjection } from '../../../src/scim/projection.js';
import { loadAttributeTable, type UserTable } from '../../../src/mapping/attribute-table.js';
import { attrPathOf, fieldsOfRow, rowsToRead, userFields } from '../../../src/mapping/user-fields.js';

const table = loadAttributeTable(loadConfig({}).mappingFile, { deriveUsernameFromEmail: false }).users;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The `fields` JumpCloud is asked for when a list is projected (and filtered locally on `evaluated`). */
const fieldsFor = (
  query: { attributes?: string; excludedAttributes?: string },
  filter?: string,
  t: UserTable = table,
): string[] => {
  const evaluated = filter ? filterAttributes(parseFilter(filter)) : [];
  return userFields(t, rowsToRead(t, parseProjection(query, t.schema), evaluated)).split(' ');
};

describe('mapping/user-fields', () => {
  it("asks for every field any row reads, once each, and _id: never JumpCloud's default list", () => {
    expect(userFields(table).split(' ')).to.deep.equal([
      '_id',
      'username',
      'attributes',
      'firstname',
      'middlename',
      'lastname',
      'displayname',
      'jobTitle',
      'employeeType',
      'location',
      'suspended',
      'state',
      'email',
      'alternateEmail',
      'phoneNumbers',
      'addresses',
      'employeeIdentifier',
      'costCenter',
      'company',
      'department',
      'manager',
      'created',
    ]);
  });

  it('knows which fields each row reads: its target, custom attributes, or what the codec declares', () => {
    const row = (scim: string) => table.rows.find((r) => r.scim === scim)!;
    expect(fieldsOfRow(row('name.givenName'))).to.deep.equal(['firstname']);
    expect(fieldsOfRow(row('externalId'))).to.deep.equal(['attributes']);
    expect(fieldsOfRow(row('active'))).to.deep.equal(['suspended', 'state']);
    expect(fieldsOfRow(row('groups'))).to.deep.equal([]);
  });

  describe('rowsToRead: a projected list reads only what it returns or evaluates', () => {
    it('`attributes` narrows to the rows named, a parent naming all its sub-rows and a sub-attribute its row', () => {
      expect(fieldsFor({ attributes: 'emails' })).to.deep.equal(['_id', 'email', 'alternateEmail', 'attributes']);
      expect(fieldsFor({ attributes: 'emails.value' })).to.deep.equal(['_id', 'email', 'alternateEmail', 'attributes']);
      expect(fieldsFor({ attributes: 'name' })).to.deep.equal([
        '_id',
        'attributes',
        'firstname',
        'middlename',
        'lastname',
      ]);
      expect(fieldsFor({ attributes: 'name.givenName' })).to.deep.equal(['_id', 'firstname']);
      expect(fieldsFor({ attributes: `${ENT}:manager` })).to.deep.equal(['_id', 'manager']);
      expect(fieldsFor({ attributes: 'NAME.GIVENNAME,title' })).to.deep.equal(['_id', 'firstname', 'jobTitle']);
    });

    it('`excludedAttributes` drops whole rows only: excluding a sub-attribute of a complex row keeps the row', () => {
      const all = userFields(table).split(' ');
      expect(fieldsFor({ excludedAttributes: 'name' })).to.deep.equal(
        all.filter((f) => !['firstname', 'middlename', 'lastname'].includes(f)),
      );
      expect(fieldsFor({ excludedAttributes: 'name.givenName' })).to.deep.equal(all.filter((f) => f !== 'firstname'));
      expect(fieldsFor({ excludedAttributes: 'emails.value' })).to.deep.equal(all);
      expect(fieldsFor({})).to.deep.equal(all);
      expect(fieldsFor({ excludedAttributes: 'name,title' })).to.deep.equal(
        all.filter((f) => !['firstname', 'middlename', 'lastname', 'jobTitle'].includes(f)),
      );
    });

    it('adds the rows the bridge itself evaluates (a residual filter), whatever the projection says', () => {
      expect(fieldsFor({ attributes: 'emails' }, 'title eq "Boss"')).to.deep.equal([
        '_id',
        'jobTitle',
        'email',
        'alternateEmail',
        'attributes',
      ]);
      expect(fieldsFor({ excludedAttributes: 'title' }, 'title eq "Boss"')).to.include('jobTitle');
      expect(fieldsFor({ attributes: 'title' }, 'id eq "x"')).to.deep.equal(['_id', 'jobTitle']);
    });

    it('always reads a row the table marks returned: always', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'user-fields-'));
      const file = path.join(dir, 'mapping.json');
      writeFileSync(
        file,
        JSON.stringify({
          users: [
            { scim: 'userName', jumpcloud: 'username', codec: 'userName', returned: 'always' },
            { scim: 'title', jumpcloud: 'jobTitle' },
          ],
        }),
      );
      const t = loadAttributeTable(file, { deriveUsernameFromEmail: false }).users;
      expect(fieldsFor({ attributes: 'title' }, undefined, t)).to.deep.equal([
        '_id',
        'username',
        'attributes',
        'jobTitle',
      ]);
      expect(fieldsFor({ excludedAttributes: 'userName' }, undefined, t)).to.deep.equal([
        '_id',
        'username',
        'attributes',
        'jobTitle',
      ]);
    });
  });

  describe('attrPathOf', () => {
    it('turns resolved document keys into a filter path, with or without a schema URN', () => {
      expect(attrPathOf(['name', 'givenName'])).to.deep.equal({ name: 'name', sub: 'givenName' });
      expect(attrPathOf(['title'])).to.deep.equal({ name: 'title' });
      expect(attrPathOf([ENT, 'manager', 'value'])).to.deep.equal({ uri: ENT, name: 'manager', sub: 'value' });
      expect(attrPathOf([ENT, 'department'])).to.deep.equal({ uri: ENT, name: 'department' });
      expect(attrPathOf([])).to.deep.equal({ name: '' });
      expect(attrPathOf([ENT])).to.deep.equal({ uri: ENT, name: '' });
    });
  });
});
