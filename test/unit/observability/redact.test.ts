import { expect } from 'chai';
import { MASK } from '../../../src/util/secret-mask.js';
import {
  holdRequestSecrets,
  redact,
  redactString,
  registerProcessSecret,
  withRequestSecrets,
} from '../../../src/observability/redact.js';

const KEY = 'jcCanaryKey0123456789abcdefABCDEF01234567';

describe('redact', () => {
  it('masks a key by value in any letter case', () => {
    const text = `echo ${KEY} and ${KEY.toUpperCase()} and ${KEY.toLowerCase()}`;
    expect(redactString(text, [KEY])).to.equal(`echo ${MASK} and ${MASK} and ${MASK}`);
  });
  it('masks the URL-encoded form of a key with special characters', () => {
    const key = 'k3y+with/slash=and+plus';
    expect(redactString(`/x?filter=${encodeURIComponent(key)}`, [key])).to.equal(`/x?filter=${MASK}`);
  });
  it('masks secrets of the request in scope without being told, and drops them afterwards', () => {
    const inside = withRequestSecrets([KEY], () => redact({ detail: `JumpCloud said: bad key ${KEY}` }));
    expect(inside.detail).to.equal(`JumpCloud said: bad key ${MASK}`);
    expect(redactString(KEY)).to.equal(KEY);
  });
  it('masks the secrets of every request in flight until each is released, counting concurrent holders of one key', () => {
    const other = 'otherRequestKey-0123456789abcdef';
    const first = holdRequestSecrets([KEY]);
    const second = holdRequestSecrets([KEY, other]);
    expect(redactString(`${KEY} ${other}`)).to.equal(`${MASK} ${MASK}`);
    second();
    second(); // a second release of the same hold changes nothing
    expect(redactString(`${KEY} ${other}`)).to.equal(`${MASK} ${other}`);
    first();
    expect(redactString(KEY)).to.equal(KEY);
  });
  it('holds the secrets of an async piece of work until it settles', async () => {
    let finish!: () => void;
    const work = withRequestSecrets([KEY], () => new Promise<void>((r) => (finish = r)));
    expect(redactString(KEY)).to.equal(MASK);
    finish();
    await work;
    await Promise.resolve();
    expect(redactString(KEY)).to.equal(KEY);
  });
  it('masks process secrets everywhere', () => {
    const held = 'heldSecret-0123456789-abcdef';
    registerProcessSecret(held);
    expect(redactString(`x ${held.toUpperCase()} y`)).to.equal(`x ${MASK} y`);
  });
  it('masks secret-named fields and bearer tokens, keeps other data', () => {
    expect(redact({ authorization: 'Bearer abc', 'X-Api-Key': 'k', note: 'Bearer zzz', n: 1 })).to.deep.equal({
      authorization: MASK,
      'X-Api-Key': MASK,
      note: `Bearer ${MASK}`,
      n: 1,
    });
  });
  it('never walks deeper than its bound nor around a cycle, and keeps __proto__ keys as data', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(() => redact(deep)).not.to.throw();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).to.deep.equal({ a: 1, self: MASK });
    const hostile = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
    const out = redact(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
    expect(Object.keys(out)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
