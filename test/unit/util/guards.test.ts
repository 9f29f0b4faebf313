import { expect } from 'chai';
import { clone, deepEqual, isRecord } from '../../../src/util/guards.js';

describe('util/guards', () => {
  it('isRecord accepts plain objects only', () => {
    expect(isRecord({})).to.equal(true);
    expect(isRecord({ a: 1 })).to.equal(true);
    for (const v of [null, undefined, [], 'x', 1, true]) expect(isRecord(v), String(v)).to.equal(false);
  });

  it('deepEqual compares values, ignoring keys whose value is undefined', () => {
    expect(deepEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).to.equal(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).to.equal(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
    expect(deepEqual({ a: 1, c: 3 }, { a: 1, b: 3 })).to.equal(false);
    expect(deepEqual([1, 2], [1, 2, 3])).to.equal(false);
    expect(deepEqual([1, 2], [2, 1])).to.equal(false);
    expect(deepEqual('1', 1)).to.equal(false);
    expect(deepEqual(null, {})).to.equal(false);
    expect(deepEqual([], {})).to.equal(false);
    expect(deepEqual(NaN, NaN)).to.equal(false);
  });

  it('clone is deep', () => {
    const a = { x: [{ y: 1 }] };
    const b = clone(a);
    expect(b).to.deep.equal(a);
    (b.x[0] as { y: number }).y = 2;
    expect(a.x[0]?.y).to.equal(1);
  });
});
