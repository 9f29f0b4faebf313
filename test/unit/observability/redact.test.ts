import { expect } from 'chai';
import { MASK } from '../../../src/util/secret-mask.js';
import {
  MAX_UNPROVEN_HELD,
  holdRequestSecrets,
  holdUnprovenSecrets,
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
  it('masks an echo of the first 24 characters of a key or more, and nothing shorter', () => {
    const cut24 = KEY.slice(0, 24);
    const cut30 = KEY.slice(0, 30).toUpperCase();
    expect(redactString(`said ${cut24}… then ${cut30}!`, [KEY])).to.equal(`said ${MASK}… then ${MASK}!`);
    expect(redactString(`said ${KEY.slice(0, 23)}…`, [KEY])).to.equal(`said ${KEY.slice(0, 23)}…`);
  });
  it('masks keys that overlap or contain one another as one span', () => {
    const inner = KEY.slice(5, 35);
    expect(redactString(`<${KEY}${KEY}>`, [KEY, inner])).to.equal(`<${MASK}>`);
  });
  it('keeps offsets right in text whose lower case is longer (İ)', () => {
    expect(redactString(`İİ ${KEY.toUpperCase()} İ`, [KEY])).to.equal(`İİ ${MASK} İ`);
  });
  it('holds at most MAX_UNPROVEN_HELD distinct unproven credentials; repeats of a held one still fit', () => {
    const releases = Array.from({ length: MAX_UNPROVEN_HELD }, (_, i) =>
      holdUnprovenSecrets([`unproven-${i}-key-000`]),
    );
    expect(releases.every((r) => r !== undefined)).to.equal(true);
    expect(holdUnprovenSecrets(['one-too-many-key-000'])).to.equal(undefined);
    expect(redactString('one-too-many-key-000')).to.equal('one-too-many-key-000');
    const again = holdUnprovenSecrets(['unproven-0-key-000']);
    expect(again).to.be.a('function');
    // Proven credentials are not limited: they are real, so there are only so many.
    const proven = holdRequestSecrets(['a-proven-key-0000000']);
    expect(redactString('a-proven-key-0000000 unproven-63-key-000')).to.equal(`${MASK} ${MASK}`);
    for (const r of [...releases, again, proven]) r?.();
    const next = holdUnprovenSecrets(['one-too-many-key-000']);
    expect(next).to.be.a('function');
    next?.();
    expect(redactString('unproven-3-key-000')).to.equal('unproven-3-key-000');
  });
  it('finds long held secrets by their anchor, whole or cut, and leaves a line without them as it was', () => {
    const junk = Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(4096, 'x'));
    const release = holdUnprovenSecrets(junk);
    const line = `GET /scim/v2/Users 200 ${'y'.repeat(2000)}`;
    expect(redactString(line)).to.equal(line);
    expect(redactString(`a ${junk[7]} b ${junk[7]?.slice(0, 40)}`)).to.equal(`a ${MASK} b ${MASK}`);
    release?.();
  });
});
