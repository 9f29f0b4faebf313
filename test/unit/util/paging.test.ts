import { expect } from 'chai';
import { readAll, readWindow, scanAll, type PageOf, type PageRequest } from '../../../src/util/paging.js';

/** A list of `n` numbers served by limit/skip, recording the pages asked for. */
function list(
  n: number,
  opts: { estimated?: boolean; firstTotal?: number } = {},
): ((p: PageRequest) => Promise<PageOf<number>>) & { asked: PageRequest[] } {
  const all = Array.from({ length: n }, (_, i) => i);
  const asked: PageRequest[] = [];
  const fetch = async (p: PageRequest): Promise<PageOf<number>> => {
    asked.push(p);
    const items = all.slice(p.skip, p.skip + p.limit);
    // `firstTotal`: the list grew after its first page was read.
    return opts.estimated
      ? { items, total: items.length, estimated: true }
      : { items, total: asked.length === 1 ? (opts.firstTotal ?? n) : n };
  };
  return Object.assign(fetch, { asked });
}

describe('util/paging', () => {
  describe('readWindow', () => {
    it('reads one window in pages of at most pageSize, one call per page', async () => {
      const f = list(250);
      expect(await readWindow(f, 11, 120, 100)).to.deep.equal({
        items: Array.from({ length: 120 }, (_, i) => i + 10),
        total: 250,
      });
      expect(f.asked).to.deep.equal([
        { limit: 100, skip: 10 },
        { limit: 20, skip: 110 },
      ]);
    });
    it('count 0 still makes one call, for the total', async () => {
      const f = list(7);
      expect(await readWindow(f, 1, 0, 100)).to.deep.equal({ items: [], total: 7 });
      expect(f.asked).to.deep.equal([{ limit: 1, skip: 0 }]);
    });
    it('stops at the end of the list', async () => {
      const f = list(5);
      expect(await readWindow(f, 4, 10, 100)).to.deep.equal({ items: [3, 4], total: 5 });
      expect(f.asked).to.have.length(1);
      const g = list(200);
      expect((await readWindow(g, 101, 500, 100)).items).to.have.length(100);
      expect(g.asked).to.deep.equal([{ limit: 100, skip: 100 }]);
    });
  });

  describe('scanAll', () => {
    const tooMany = (total: number): Error => new Error(`too many: ${total}`);
    it('reads every page until a short page or the total', async () => {
      const f = list(250);
      expect(await scanAll(f, { pageSize: 100, max: 1000, tooMany })).to.have.length(250);
      expect(f.asked.map((p) => p.skip)).to.deep.equal([0, 100, 200]);
      const exact = list(200);
      expect(await scanAll(exact, { pageSize: 100, max: 1000, tooMany })).to.have.length(200);
      expect(exact.asked.map((p) => p.skip)).to.deep.equal([0, 100]);
    });
    it('follows a list that does not say its total to its end', async () => {
      const f = list(200, { estimated: true });
      expect(await scanAll(f, { pageSize: 100, max: 1000, tooMany })).to.have.length(200);
      expect(f.asked.map((p) => p.skip)).to.deep.equal([0, 100, 200]);
    });
    it('refuses a list longer than max before reading further', async () => {
      const f = list(101);
      const e = await scanAll(f, { pageSize: 100, max: 100, tooMany }).catch((x: Error) => x.message);
      expect(e).to.equal('too many: 101');
      expect(f.asked).to.have.length(1);
      expect(await scanAll(list(100), { pageSize: 100, max: 100, tooMany })).to.have.length(100);
    });
  });

  describe('readAll', () => {
    it('after the first page fetches the rest concurrently, in order', async () => {
      let inFlight = 0;
      let peak = 0;
      const base = list(450);
      const f = async (p: PageRequest): Promise<PageOf<number>> => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        return base(p);
      };
      expect(await readAll(f, 100, 3)).to.deep.equal(Array.from({ length: 450 }, (_, i) => i));
      expect(peak).to.equal(3);
      expect(base.asked.map((p) => p.skip)).to.deep.equal([0, 100, 200, 300, 400]);
    });
    it('one page is one call', async () => {
      const f = list(100);
      expect(await readAll(f, 100, 4)).to.have.length(100);
      expect(f.asked).to.have.length(1);
    });
    it('follows a list that grew while it was read, and one without a total, page by page', async () => {
      const grown = list(250, { firstTotal: 150 });
      expect(await readAll(grown, 100, 4)).to.have.length(250);
      expect(grown.asked.map((p) => p.skip)).to.deep.equal([0, 100, 200]);
      const unknown = list(230, { estimated: true });
      expect(await readAll(unknown, 100, 4)).to.have.length(230);
      expect(unknown.asked.map((p) => p.skip)).to.deep.equal([0, 100, 200]);
    });
  });
});
