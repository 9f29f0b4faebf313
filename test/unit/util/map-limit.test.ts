import { expect } from 'chai';
import { mapLimit } from '../../../src/util/map-limit.js';

describe('util/map-limit', () => {
  it('keeps results in input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight -= 1;
      return `${i}:${ms}`;
    });
    expect(out).to.deep.equal(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    expect(peak).to.equal(2);
  });

  it('handles no items and a limit above the item count', async () => {
    expect(await mapLimit([], 4, async () => 1)).to.deep.equal([]);
    expect(await mapLimit([1, 2], 10, async (n) => n * 2)).to.deep.equal([2, 4]);
  });

  it('rejects with the first failure', async () => {
    const err = await mapLimit([1, 2, 3], 1, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    }).catch((e: Error) => e.message);
    expect(err).to.equal('two');
  });
});
