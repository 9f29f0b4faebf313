import { expect } from 'chai';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadConfig } from '../../../src/config.js';
import { applyPatch, parsePatchRequest } from '../../../src/scim/patch.js';
import { ScimError } from '../../../src/scim/errors.js';
import { scimErrorOf } from '../../helpers/scim-error.js';

const table = loadAttributeTable(loadConfig({}).mappingFile, { deriveUsernameFromEmail: false }).users;
const schema = table.schema;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patch = (doc: Record<string, unknown>, ...ops: unknown[]): Record<string, unknown> =>
  applyPatch(
    doc,
    parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops }, schema),
  );
const fails = (ops: unknown[], scimType: string, detail: RegExp): void => {
  const e = scimErrorOf(() => parsePatchRequest({ Operations: ops }, schema));
  expect(e.scimType).to.equal(scimType);
  expect(e.detail).to.match(detail);
};

const base = (): Record<string, unknown> => ({
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'b@example.com', type: 'work', primary: true }],
  phoneNumbers: [
    { value: '1', type: 'work' },
    { value: '2', type: 'mobile' },
  ],
  active: true,
});

describe('scim/patch', () => {
  describe('paths and operations', () => {
    it('replaces a simple attribute and leaves the input untouched', () => {
      const doc = base();
      const out = patch(doc, { op: 'replace', path: 'displayName', value: 'Babs' });
      expect(out.displayName).to.equal('Babs');
      expect(doc).to.not.have.property('displayName');
    });
    it('sets and removes a sub-attribute of a complex attribute', () => {
      expect(patch(base(), { op: 'add', path: 'name.middleName', value: 'J' }).name).to.deep.equal({
        givenName: 'Barbara',
        familyName: 'Jensen',
        middleName: 'J',
      });
      expect(patch(base(), { op: 'remove', path: 'name.givenName' }).name).to.deep.equal({ familyName: 'Jensen' });
    });
    it('resolves attribute names in any letter case to their canonical names', () => {
      const out = patch(
        base(),
        { op: 'Replace', path: 'NAME.GIVENNAME', value: 'B' },
        { op: 'replace', path: 'DisplayName', value: 'D' },
      );
      expect(out.name).to.deep.include({ givenName: 'B' });
      expect(out.displayName).to.equal('D');
      expect(out).to.not.have.property('DisplayName');
    });
    it('writes enterprise attributes under their URN, qualified or not', () => {
      const out = patch(
        base(),
        { op: 'add', path: `${ENT}:department`, value: 'IT' },
        { op: 'add', path: 'costCenter', value: '42' },
      );
      expect(out[ENT]).to.deep.equal({ department: 'IT', costCenter: '42' });
    });
    it('replaces one element selected by a value filter', () => {
      const out = patch(base(), { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '3' });
      expect(out.phoneNumbers).to.deep.equal([
        { value: '1', type: 'work' },
        { value: '3', type: 'mobile' },
      ]);
    });
    it('add and replace on a filtered path create the element when none matches (the filteredPathCreates quirk)', () => {
      expect(
        patch(base(), { op: 'Add', path: 'phoneNumbers[type eq "fax"].value', value: '9' }).phoneNumbers,
      ).to.deep.include({ type: 'fax', value: '9' });
      expect(
        patch(base(), { op: 'Replace', path: 'addresses[type eq "work"].formatted', value: '18/2111' }).addresses,
      ).to.deep.equal([{ type: 'work', formatted: '18/2111' }]);
    });
    it('remove with a filter removes only the matching element, and is a no-op when nothing matches', () => {
      expect(patch(base(), { op: 'remove', path: 'phoneNumbers[type eq "work"]' }).phoneNumbers).to.deep.equal([
        { value: '2', type: 'mobile' },
      ]);
      expect(patch(base(), { op: 'remove', path: 'phoneNumbers[type eq "pager"]' })).to.deep.equal(base());
      expect(patch(base(), { op: 'remove', path: 'title' })).to.deep.equal(base());
    });
    it('removing the value of a filtered element drops the now-empty element', () => {
      expect(patch(base(), { op: 'remove', path: 'phoneNumbers[type eq "mobile"].value' }).phoneNumbers).to.deep.equal([
        { value: '1', type: 'work' },
      ]);
    });
    it('remove with a value on a multi-valued attribute removes only those values (the removeOnlyListedValues quirk)', () => {
      expect(
        patch(base(), { op: 'Remove', path: 'phoneNumbers', value: [{ value: '1', type: 'work' }] }).phoneNumbers,
      ).to.deep.equal([{ value: '2', type: 'mobile' }]);
    });
    it('add to a multi-valued attribute appends without duplicating', () => {
      const out = patch(base(), {
        op: 'add',
        path: 'phoneNumbers',
        value: [
          { value: '2', type: 'mobile' },
          { value: '7', type: 'home' },
        ],
      });
      expect(out.phoneNumbers).to.have.length(3);
    });
    it('replace of a multi-valued attribute replaces the whole list', () => {
      expect(
        patch(base(), { op: 'replace', path: 'phoneNumbers', value: [{ value: '5', type: 'work' }] }).phoneNumbers,
      ).to.deep.equal([{ value: '5', type: 'work' }]);
    });
    it('applies operations in order (an add then a remove of the same value leaves nothing)', () => {
      const out = patch(base(), { op: 'add', path: 'title', value: 'x' }, { op: 'remove', path: 'title' });
      expect(out).to.not.have.property('title');
    });
    it('keeps the value exactly as sent (no trimming or case changes)', () => {
      expect(patch(base(), { op: 'replace', path: 'title', value: '  Lead  ÉNG ' }).title).to.equal('  Lead  ÉNG ');
    });
  });

  describe('Entra normalisation rules', () => {
    it('opCase: Add/Replace/Remove and ADD are accepted', () => {
      expect(patch(base(), { op: 'ADD', path: 'title', value: 'x' }).title).to.equal('x');
    });
    it('stringBooleans: "True"/"False"/"false" become booleans', () => {
      expect(patch(base(), { op: 'Replace', path: 'active', value: 'False' }).active).to.equal(false);
      expect(patch({ ...base(), active: false }, { op: 'Replace', path: 'active', value: 'True' }).active).to.equal(
        true,
      );
      expect(patch(base(), { op: 'replace', path: 'active', value: 'false' }).active).to.equal(false);
    });
    it('pathless dotted and URN keys are attribute paths, not literal keys', () => {
      const out = patch(base(), {
        op: 'replace',
        value: { 'name.givenName': 'K', [`${ENT}:employeeNumber`]: '7', displayName: 'D' },
      });
      expect(out.name).to.deep.include({ givenName: 'K' });
      expect(out[ENT]).to.deep.equal({ employeeNumber: '7' });
      expect(out).to.not.have.property('name.givenName');
    });
    it('pathless value with a nested extension object', () => {
      expect(patch(base(), { op: 'add', value: { [ENT]: { department: 'Ops' } } })[ENT]).to.deep.equal({
        department: 'Ops',
      });
    });
    it('manager: bare string, {value}, legacy one-element array; cleared by "", {value:""}, null and remove', () => {
      const id = 'a'.repeat(24);
      for (const value of [id, { value: id }, [{ $ref: null, value: id }]]) {
        expect(patch(base(), { op: 'Add', path: `${ENT}:manager`, value })[ENT]).to.deep.equal({
          manager: { value: id },
        });
      }
      // A $ref alone names the manager (generic clients); it is not one of the clearing forms.
      expect(
        patch(base(), { op: 'replace', path: `${ENT}:manager`, value: { $ref: `https://b/scim/v2/Users/${id}` } })[ENT],
      ).to.deep.equal({ manager: { $ref: `https://b/scim/v2/Users/${id}` } });
      const managed = { ...base(), [ENT]: { manager: { value: id } } };
      for (const op of [
        { op: 'replace', path: `${ENT}:manager`, value: '' },
        { op: 'replace', path: `${ENT}:manager`, value: { value: '' } },
        { op: 'replace', path: `${ENT}:manager`, value: null },
        { op: 'remove', path: `${ENT}:manager` },
        { op: 'remove', path: `manager[value eq "${id}"]` },
      ]) {
        expect(patch(managed, op), JSON.stringify(op)).to.not.have.property(ENT);
      }
    });
  });

  describe("an extension's schema URN as the path (RFC 7644 §3.5.2)", () => {
    const mgr = 'b'.repeat(24);
    const held = (): Record<string, unknown> => ({
      ...base(),
      [ENT]: { department: 'Ops', employeeNumber: '7', manager: { value: mgr } },
    });
    it('add merges the given attributes into what the extension holds', () => {
      expect(
        patch(held(), { op: 'add', path: ENT, value: { department: 'R&D', costCenter: '42' } })[ENT],
      ).to.deep.equal({ department: 'R&D', employeeNumber: '7', manager: { value: mgr }, costCenter: '42' });
    });
    it('replace sets the given attributes and leaves the others as they are', () => {
      expect(
        patch(held(), { op: 'replace', path: ENT, value: { department: 'R&D', employeeNumber: '42' } })[ENT],
      ).to.deep.equal({ department: 'R&D', employeeNumber: '42', manager: { value: mgr } });
    });
    it('each attribute goes through its own path: a manager in any shape, names in any case, the URN in any case', () => {
      const out = patch(base(), {
        op: 'Replace',
        path: ENT.toUpperCase(),
        value: { Department: 'R&D', manager: { $ref: `https://b/scim/v2/Users/${mgr}`, value: mgr } },
      });
      expect(out[ENT]).to.deep.equal({
        department: 'R&D',
        manager: { $ref: `https://b/scim/v2/Users/${mgr}`, value: mgr },
      });
      expect(patch(base(), { op: 'add', path: ENT, value: { manager: mgr } })[ENT]).to.deep.equal({
        manager: { value: mgr },
      });
    });
    it('remove clears every attribute of the extension the bridge stores', () => {
      const ops = parsePatchRequest({ Operations: [{ op: 'remove', path: ENT }] }, schema);
      expect(ops.map((o) => o.path?.resolved.text)).to.deep.equal(
        (schema.extension(ENT)?.attributes ?? []).map((a) => `${ENT}:${a.name}`),
      );
      expect(applyPatch(held(), ops)).to.deep.equal(base());
      expect(applyPatch(base(), ops)).to.deep.equal(base());
    });
    it('an unknown attribute gets the same 400 as its own path; a wrong type, the same as its own path', () => {
      const own = scimErrorOf(() =>
        parsePatchRequest({ Operations: [{ op: 'add', path: `${ENT}:shoeSize`, value: '9' }] }, schema),
      );
      const whole = scimErrorOf(() =>
        parsePatchRequest({ Operations: [{ op: 'add', path: ENT, value: { shoeSize: '9' } }] }, schema),
      );
      expect([whole.status, whole.scimType]).to.deep.equal([own.status, own.scimType]);
      expect(whole.detail).to.equal(
        `operation 1 (key 'shoeSize'): '${ENT}:shoeSize' is not an attribute this bridge can store; /Schemas lists the supported attributes`,
      );
      fails(
        [{ op: 'replace', path: ENT, value: { department: 5 } }],
        'invalidValue',
        /operation 1 \(key 'department'\): '.*:department' must be a string/,
      );
    });
    it('UNKNOWN_ATTRIBUTES=ignore skips an unknown attribute of the value and applies the rest', () => {
      const ignored: string[] = [];
      const ops = parsePatchRequest(
        { Operations: [{ op: 'add', path: ENT, value: { shoeSize: '9', department: 'R&D' } }] },
        schema,
        { unknown: 'ignore', ignored: (n) => ignored.push(n) },
      );
      expect(applyPatch(base(), ops)[ENT]).to.deep.equal({ department: 'R&D' });
      expect(ignored).to.deep.equal([`${ENT}:shoeSize`]);
    });
    it('refuses a value that is not an object for add/replace, and any value for remove', () => {
      fails(
        [{ op: 'replace', path: ENT, value: 'R&D' }],
        'invalidValue',
        /needs an object "value" holding its attributes/,
      );
      fails([{ op: 'remove', path: ENT, value: { department: 'Ops' } }], 'invalidValue', /takes no "value"/);
    });
  });

  describe('invalid requests (nothing is applied)', () => {
    it('rejects an unknown op with invalidSyntax naming the operation', () =>
      fails([{ op: 'copy', path: 'title' }], 'invalidSyntax', /operation 1: "op" must be add, replace or remove/));
    it('rejects an unknown attribute with invalidPath', () =>
      fails([{ op: 'add', path: 'shoeSize', value: '9' }], 'invalidPath', /shoeSize/));
    it('rejects read-only attributes with mutability', () =>
      fails([{ op: 'replace', path: 'meta.created', value: 'x' }], 'mutability', /read-only/));
    it('rejects a wrong type with invalidValue before anything is read', () =>
      fails([{ op: 'replace', path: 'title', value: 5 }], 'invalidValue', /operation 1: 'title' must be a string/));
    it('rejects remove without a path with noTarget', () => fails([{ op: 'remove' }], 'noTarget', /needs a "path"/));
    it('rejects a path-less add whose value is not an object', () =>
      fails([{ op: 'add', value: 'x' }], 'invalidValue', /object "value"/));
    it('rejects a sub-attribute that does not exist', () =>
      fails([{ op: 'add', path: 'emails[type eq "work"].colour', value: 'x' }], 'invalidPath', /colour/));
    it('rejects a value filter on a simple attribute', () =>
      fails([{ op: 'add', path: 'title[value eq "x"]', value: 'x' }], 'invalidPath', /complex attribute/));
    it('rejects a filter naming an unknown sub-attribute', () =>
      fails([{ op: 'remove', path: 'emails[kind eq "work"]' }], 'invalidPath', /kind/));
    it('rejects a PatchOp with the wrong schemas', () => {
      expect(() => parsePatchRequest({ schemas: ['urn:x'], Operations: [] }, schema)).to.throw(ScimError, /PatchOp/);
    });
  });
});
