import { expect } from 'chai';
import { findLanded, landedLookup } from '../../../src/resources/landed-create.js';

/** A lookup that answers from a script, one entry per call: a value, undefined ("not there") or an Error (failed). */
function scripted<T>(answers: (T | undefined | Error)[]): { find: () => Promise<T | undefined>; calls: () => number } {
  let n = 0;
  return {
    find: async () => {
      const a = answers[Math.min(n, answers.length - 1)];
      n++;
      if (a instanceof Error) throw a;
      return a;
    },
    calls: () => n,
  };
}

describe('resources/landed-create', () => {
  describe('landedLookup', () => {
    it('looks every quarter of the window, at least every 10 ms and at most every 250 ms', () => {
      expect(landedLookup(400)).to.deep.equal({ windowMs: 400, intervalMs: 100 });
      expect(landedLookup(10_000)).to.deep.equal({ windowMs: 10_000, intervalMs: 250 });
      expect(landedLookup(20)).to.deep.equal({ windowMs: 20, intervalMs: 10 });
      expect(landedLookup(0)).to.deep.equal({ windowMs: 0, intervalMs: 10 });
      expect(landedLookup(1003)).to.deep.equal({ windowMs: 1003, intervalMs: 250 });
      expect(landedLookup(99)).to.deep.equal({ windowMs: 99, intervalMs: 24 });
    });
  });

  describe('findLanded', () => {
    it('answers with the first lookup that finds the object, without waiting further', async () => {
      const s = scripted([undefined, 'user']);
      const started = performance.now();
      expect(await findLanded(s.find, { windowMs: 5000, intervalMs: 10 })).to.equal('user');
      expect(s.calls()).to.equal(2);
      expect(performance.now() - started).to.be.below(1000);
    });

    it('keeps looking until the window closes, then says it did not land', async () => {
      const s = scripted<string>([undefined]);
      const started = performance.now();
      expect(await findLanded(s.find, { windowMs: 200, intervalMs: 50 })).to.equal(undefined);
      const took = performance.now() - started;
      // Lookups at about 0, 50, 100 and 150 ms; the next one would start after the window.
      expect(s.calls()).to.be.within(2, 5);
      expect(took).to.be.within(45, 5000);
    });

    it('looks once when the window is shorter than the interval', async () => {
      const s = scripted<string>([undefined]);
      expect(await findLanded(s.find, { windowMs: 0, intervalMs: 10 })).to.equal(undefined);
      expect(s.calls()).to.equal(1);
    });

    it('tries a failed lookup again instead of taking the failure as an answer', async () => {
      const s = scripted([new Error('lookup failed'), 'user']);
      expect(await findLanded(s.find, { windowMs: 5000, intervalMs: 10 })).to.equal('user');
      expect(s.calls()).to.equal(2);
    });

    it('says "not landed" when every lookup failed within the window', async () => {
      const s = scripted<string>([new Error('lookup failed')]);
      expect(await findLanded(s.find, { windowMs: 30, intervalMs: 10 })).to.equal(undefined);
      expect(s.calls()).to.be.at.least(2);
    });

    it('stops with the request: an aborted signal ends the wait with its reason', async () => {
      const ac = new AbortController();
      const s = scripted<string>([undefined]);
      const pending = findLanded(s.find, { windowMs: 60_000, intervalMs: 5_000 }, ac.signal);
      setTimeout(() => ac.abort(new Error('deadline')), 20);
      const started = performance.now();
      const e = await pending.then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as Error).message).to.equal('deadline');
      expect(performance.now() - started).to.be.below(2_000);
      expect(s.calls()).to.equal(1);
    });

    it('does not start waiting once the signal is already aborted', async () => {
      const ac = new AbortController();
      ac.abort(new Error('gone'));
      const s = scripted<string>([undefined]);
      const e = await findLanded(s.find, { windowMs: 60_000, intervalMs: 5_000 }, ac.signal).catch((x: unknown) => x);
      expect((e as Error).message).to.equal('gone');
      expect(s.calls()).to.equal(1);
    });

    it('rethrows a failed lookup when the request was aborted meanwhile, instead of looking again', async () => {
      const ac = new AbortController();
      const failure = new Error('aborted lookup');
      let calls = 0;
      const find = async (): Promise<string | undefined> => {
        calls++;
        ac.abort(new Error('deadline'));
        throw failure;
      };
      expect(await findLanded(find, { windowMs: 60_000, intervalMs: 10 }, ac.signal).catch((x: unknown) => x)).to.equal(
        failure,
      );
      expect(calls).to.equal(1);
    });

    it('leaves no abort listener behind on a signal it waited on', async () => {
      const ac = new AbortController();
      let added = 0;
      let removed = 0;
      const signal = ac.signal;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
        if (args[0] === 'abort') added++;
        add(...args);
      }) as typeof signal.addEventListener;
      signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
        if (args[0] === 'abort') removed++;
        remove(...args);
      }) as typeof signal.removeEventListener;
      const s = scripted([undefined, undefined, 'user']);
      expect(await findLanded(s.find, { windowMs: 5000, intervalMs: 5 }, signal)).to.equal('user');
      expect(added).to.equal(2);
      expect(removed).to.equal(2);
    });
  });
});
