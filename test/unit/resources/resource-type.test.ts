import { expect } from 'chai';
import { ResourceRegistry, type ScimResourceType } from '../../../src/resources/resource-type.js';
import { ResourceSchema } from '../../../src/scim/schema.js';

/** A registered type with only a schema: the registry never calls the operations. */
const served = (resourceType: string, endpoint: string): ScimResourceType =>
  ({
    schema: new ResourceSchema(resourceType, endpoint, {
      id: `urn:x:${resourceType}`,
      name: resourceType,
      description: resourceType,
      attributes: [],
    }),
    mapping: { resource: resourceType },
  }) as unknown as ScimResourceType;

describe('resources/resource-type', () => {
  const users = served('User', '/Users');
  const groups = served('Group', '/Groups');
  const registry = new ResourceRegistry([users, groups]);

  it('finds a type by its name or its endpoint, ignoring case, and nothing else', () => {
    expect(registry.find('User')).to.equal(users);
    expect(registry.find('group')).to.equal(groups);
    expect(registry.find('/Groups')).to.equal(groups);
    expect(registry.find('/USERS')).to.equal(users);
    expect(registry.find('Groups')).to.equal(undefined);
    expect(registry.find('/Devices')).to.equal(undefined);
  });

  it('lists schemas and mappings in registration order', () => {
    expect(registry.schemas.map((s) => s.resourceType)).to.deep.equal(['User', 'Group']);
    expect(registry.mappings).to.deep.equal([users.mapping, groups.mapping]);
  });

  it('labels a served type for metrics by its endpoint, from its name or its path segment, and nothing else', () => {
    expect(registry.label('User')).to.equal('users');
    expect(registry.label('users')).to.equal('users');
    expect(registry.label('GROUPS')).to.equal('groups');
    expect(new ResourceRegistry([users, served('Device', '/Devices')]).label('devices')).to.equal('devices');
    expect(registry.label('bjensen')).to.equal(undefined);
    expect(registry.label('')).to.equal(undefined);
  });

  it('describes what is served as an English list, for messages', () => {
    expect(registry.describe((s) => s.resourceType)).to.equal('User and Group');
    expect(registry.describe((s) => s.endpoint)).to.equal('/Users and /Groups');
    expect(
      new ResourceRegistry([users, groups, served('Device', '/Devices')]).describe((s) => s.resourceType),
    ).to.equal('User, Group and Device');
    expect(new ResourceRegistry([users]).describe((s) => s.resourceType)).to.equal('User');
    expect(new ResourceRegistry([]).describe((s) => s.resourceType)).to.equal('nothing');
  });
});
