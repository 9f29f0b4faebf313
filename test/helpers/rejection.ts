import { expect } from 'chai';

/** The error a promise rejects with, checked to be an instance of `type`; a promise that resolves fails the test. */
export async function rejectionOf<E extends Error>(
  p: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  return p.then(
    () => expect.fail(`expected a rejection with ${type.name}`),
    (e: unknown) => {
      expect(e).to.be.instanceOf(type);
      return e as E;
    },
  );
}
