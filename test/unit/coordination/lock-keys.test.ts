import { expect } from 'chai';
import { lockKeys, lockKindOf, orgScoped } from '../../../src/coordination/lock-keys.js';

const ORG_A = '5f1b2c3d4e5f6a7b8c9d0e1f';
const USER_ID = 'aabbccddeeff001122334455';

describe('coordination/lock-keys', () => {
  it('builds one key per resource and kind, without case: BJensen and bjensen are one create', () => {
    expect(lockKeys.user(USER_ID.toUpperCase())).to.equal(`user:${USER_ID}`);
    expect(lockKeys.userCreate('BJensen')).to.equal('user-create:bjensen');
    expect(lockKeys.group('ABC')).to.equal('group:abc');
    expect(lockKeys.groupCreate('Engineering')).to.equal('group-create:engineering');
  });

  it('scopes a key to the org a request names, and leaves it as it is without one', () => {
    expect(orgScoped(lockKeys.userCreate('bjensen'), ORG_A)).to.equal(`org:${ORG_A}:user-create:bjensen`);
    expect(orgScoped(lockKeys.userCreate('bjensen'), undefined)).to.equal('user-create:bjensen');
  });

  it('names the lock kind of every key it builds without the resource id, org-scoped or not', () => {
    expect(lockKindOf(orgScoped(lockKeys.user(USER_ID), ORG_A))).to.equal('user');
    expect(lockKindOf(lockKeys.groupCreate('engineering'))).to.equal('group-create');
    expect(lockKindOf(lockKeys.userCreate('bjensen'))).to.equal('user-create');
    expect(lockKindOf(lockKeys.group('g1'))).to.equal('group');
  });

  it('reads the kind from the front: an id that looks like another key does not change it', () => {
    expect(lockKindOf(lockKeys.groupCreate('ops:user:x'))).to.equal('group-create');
    expect(lockKindOf(orgScoped(lockKeys.userCreate('a:group:b'), ORG_A))).to.equal('user-create');
  });

  it("names another registered type's locks after the type", () => {
    expect(lockKeys.record('Device', 'D1')).to.equal('device:d1');
    expect(lockKindOf(orgScoped(lockKeys.recordCreate('Device', 'Laptop'), ORG_A))).to.equal('device-create');
    expect(lockKindOf(lockKeys.record('Device', 'd1'))).to.equal('device');
  });

  it('labels a key no builder makes `other`, so the metric keeps a closed label set', () => {
    expect(lockKindOf('Create:bjensen')).to.equal('other');
    expect(lockKindOf(`org:${ORG_A}:-x:y`)).to.equal('other');
    expect(lockKindOf('user')).to.equal('other');
    expect(lockKindOf('')).to.equal('other');
  });
});
