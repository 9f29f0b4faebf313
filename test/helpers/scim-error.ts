import { expect } from 'chai';
import { ScimError } from '../../src/scim/errors.js';

/** The ScimError `fn` throws; fails the test if it throws nothing or something else. */
export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ScimError);
    return e as ScimError;
  }
  return expect.fail('expected a ScimError to be thrown');
}
