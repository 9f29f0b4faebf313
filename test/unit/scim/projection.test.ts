import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { parseProjection, project } from '../../../src/scim/projection.js';
import { parsePaging } from '../../../src/scim/list-response.js';
import { ScimError } from '../../../src/scim/errors.js';
import { matchesResource } from '../../../src/scim/filter-eval.js';
import { parseFilter } from '../../../src/scim/filter.js';

const schema = loadAttributeTable(loadConfig({}).mappingFile, { deriveUsernameFromEmail: false }).users.schema;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const doc = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'x',
  userName: 'bjensen',
  name: { givenName: 'B', familyName: 'J' },
  emails: [{ value: 'b@x.com', type: 'work', primary: true }],
  groups: [{ value: 'g' }],
  [ENT]: { department: 'IT', manager: { value: 'm' } },
  meta: { resourceType: 'User' },
};

describe('scim/projection and paging', () => {
  it('attributes keeps only what was asked plus id and schemas, pruning extension URNs no longer present', () => {
    expect(project(doc, parseProjection({ attributes: 'userName,name.givenName' }, schema), schema)).to.deep.equal({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'x',
      userName: 'bjensen',
      name: { givenName: 'B' },
    });
  });
  it('attributes can select an extension attribute, by URN', () => {
    const out = project(doc, parseProjection({ attributes: `${ENT}:department` }, schema), schema);
    expect(out).to.deep.equal({ schemas: doc.schemas, id: 'x', [ENT]: { department: 'IT' } });
  });
  it('excludedAttributes removes what was named but never id or schemas', () => {
    const out = project(doc, parseProjection({ excludedAttributes: 'emails,id,schemas,name' }, schema), schema);
    expect(out).to.have.keys('schemas', 'id', 'userName', ENT, 'meta');
  });
  it('returned "request" attributes (groups) appear only when asked for', () => {
    expect(project(doc, {}, schema)).to.not.have.property('groups');
    expect(project(doc, parseProjection({ attributes: 'groups' }, schema), schema)).to.have.property('groups');
  });
  it('paging follows RFC 7644: startIndex < 1 is 1, negative count is 0, count is clamped, garbage is a 400', () => {
    expect(parsePaging({ startIndex: '0', count: '-5' }, 200)).to.deep.equal({ startIndex: 1, count: 0 });
    expect(parsePaging({ count: '5000' }, 200)).to.deep.equal({ startIndex: 1, count: 200 });
    expect(parsePaging({}, 200)).to.deep.equal({ startIndex: 1, count: 200 });
    expect(() => parsePaging({ count: 'ten' }, 200)).to.throw(ScimError, /'count' must be an integer/);
    expect(() => parsePaging({ startIndex: '1.5' }, 200)).to.throw(ScimError, /'startIndex' must be an integer/);
  });
});

describe('scim/filter-eval presence of complex attributes', () => {
  it('name pr matches a user with any name sub-attribute, and not one without', () => {
    expect(matchesResource(parseFilter('name pr'), doc, schema)).to.equal(true);
    expect(matchesResource(parseFilter('name pr'), { userName: 'x' }, schema)).to.equal(false);
    expect(matchesResource(parseFilter('emails pr'), doc, schema)).to.equal(true);
  });
});

describe('projection of sub-attributes of multi-valued attributes (RFC 7644 §3.10)', () => {
  const doc = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'u1',
    userName: 'bjensen',
    emails: [
      { value: 'b@work.example', type: 'work', primary: true },
      { value: 'b@home.example', type: 'home' },
    ],
    phoneNumbers: [{ value: '555', type: 'mobile' }],
  };

  it('attributes=emails.value returns emails: [{value}] only', () => {
    expect(project(doc, parseProjection({ attributes: 'emails.value' }, schema), schema)).to.deep.equal({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'u1',
      emails: [{ value: 'b@work.example' }, { value: 'b@home.example' }],
    });
  });

  it('attributes=emails.type,emails keeps whole emails; elements without the asked sub-attribute are dropped', () => {
    expect(project(doc, parseProjection({ attributes: 'emails.type,emails' }, schema), schema).emails).to.deep.equal(
      doc.emails,
    );
    expect(project(doc, parseProjection({ attributes: 'emails.primary' }, schema), schema).emails).to.deep.equal([
      { primary: true },
    ]);
  });

  it('excludedAttributes=emails.type drops the type of every email and keeps the rest', () => {
    const out = project(doc, parseProjection({ excludedAttributes: 'emails.type' }, schema), schema);
    expect(out.emails).to.deep.equal([{ value: 'b@work.example', primary: true }, { value: 'b@home.example' }]);
    expect(out.phoneNumbers).to.deep.equal(doc.phoneNumbers);
  });
});
