import { expect } from 'chai';
import { ExpiringSet } from '../../../src/util/expiring-set.js';

describe('util/expiring-set', () => {
  it('holds a key until its time is up, counted from its last add', () => {
    let now = 0;
    const set = new ExpiringSet(100, 10, () => now);
    set.add('a');
    now = 99;
    expect(set.has('a')).to.equal(true);
    set.add('a');
    now = 150;
    expect(set.has('a')).to.equal(true);
    now = 199;
    expect(set.has('a')).to.equal(false);
    expect(set.has('never')).to.equal(false);
  });

  it('drops the oldest beyond its size, and forgets a deleted key', () => {
    const set = new ExpiringSet(1000, 2, () => 0);
    set.add('a');
    set.add('b');
    set.add('a');
    set.add('c');
    expect(['a', 'b', 'c'].map((k) => set.has(k))).to.deep.equal([true, false, true]);
    set.delete('a');
    expect(set.has('a')).to.equal(false);
  });
});
