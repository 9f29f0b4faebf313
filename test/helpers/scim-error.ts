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

/** A SCIM error response with this status: the RFC 7644 §3.12 shape, status as a string, a detail. */
export function expectScimError(res: { status: number; body: any }, status: number): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body?.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(res.body?.status).to.equal(String(status));
  expect(res.body?.detail).to.be.a('string').and.not.equal('');
}
