import { expect } from 'chai';
import { ScimError } from '../../../src/scim/errors.js';
import type { SystemUser } from '../../../src/jumpcloud/types.js';
import { createBody, updateBody } from '../../../src/mapping/user-write.js';
import { checkUsername } from '../../../src/mapping/usernames.js';

const user = (over: Partial<SystemUser> = {}): SystemUser =>
  ({ _id: 'a'.repeat(24), username: 'bjensen', ...over }) as SystemUser;

describe('mapping/user-write: the JumpCloud bodies of a create and an update', () => {
  it('a create leaves out empty values, lists custom attributes, and always says the state', () => {
    expect(
      createBody({
        fields: { username: 'b', email: 'b@x.org', jobTitle: '', manager: null, phoneNumbers: [], suspended: false },
        custom: { scimExternalId: 'e', gone: null },
      }),
    ).to.deep.equal({
      username: 'b',
      email: 'b@x.org',
      attributes: [{ name: 'scimExternalId', value: 'e' }],
      state: 'ACTIVATED',
    });
    expect(createBody({ fields: { username: 'b', suspended: true }, custom: {} })).to.deep.equal({
      username: 'b',
      state: 'SUSPENDED',
    });
  });

  it('an update of a custom attribute on a user without any sends just that attribute', () => {
    expect(
      updateBody(
        { fields: {}, custom: { scimExternalId: null } },
        { fields: {}, custom: { scimExternalId: 'e' } },
        user(),
      ),
    ).to.deep.equal({ attributes: [{ name: 'scimExternalId', value: 'e' }] });
    expect(updateBody({ fields: {}, custom: { x: null } }, { fields: {}, custom: { x: null } }, user())).to.deep.equal(
      {},
    );
  });

  it('an update that changes suspended also sets the matching state', () => {
    expect(
      updateBody({ fields: { suspended: false }, custom: {} }, { fields: { suspended: true }, custom: {} }, user()),
    ).to.deep.equal({ suspended: true, state: 'SUSPENDED' });
    expect(
      updateBody({ fields: { suspended: true }, custom: {} }, { fields: { suspended: false }, custom: {} }, user()),
    ).to.deep.equal({ suspended: false, state: 'ACTIVATED' });
  });

  it('an empty username is refused with the rule, before anything is sent', () => {
    try {
      checkUsername('', '');
      expect.fail('accepted');
    } catch (e) {
      expect(e).to.be.instanceOf(ScimError);
      expect([(e as ScimError).status, (e as ScimError).scimType, (e as ScimError).detail]).to.deep.equal([
        400,
        'invalidValue',
        "'userName' is required: JumpCloud cannot store a user without a username.",
      ]);
    }
    expect(() => checkUsername(undefined, undefined)).to.not.throw();
  });
});
