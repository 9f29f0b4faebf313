import { expect } from 'chai';
import { startEmulator, type Harness } from './emulator-harness.js';

describe('emulator: steady latency and a per-key token bucket (throughput simulations)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('answers 429 once the bucket is empty, without handling the call, and refills at the rate', async () => {
    h.emulator.setModes({ rateLimit: { perSecond: 0.5, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.api.get('/api/systemusers')).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
    const refused = await h.api.get('/api/systemusers');
    expect(refused.headers['retry-after'], 'JumpCloud documents no Retry-After').to.equal(undefined);
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    const created = await h.api.post('/api/systemusers', { username: 'x', email: 'x@example.com' });
    expect(created.status).to.equal(429);
    expect(h.emulator.store.users.size, 'a refused write is not applied').to.equal(0);
  });

  it('names Retry-After when asked to, and waits latencyMs before every answer', async () => {
    h.emulator.setModes({ rateLimit: { perSecond: 1, burst: 1, retryAfter: true }, latencyMs: 40 });
    const started = performance.now();
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    expect(performance.now() - started).to.be.at.least(39);
    const refused = await h.api.get('/api/systemusers');
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.equal('1');
  });

  it('refuses malformed modes', async () => {
    expect((await h.anonymous.put('/__emulator/modes', { rateLimit: { perSecond: 0 } })).status).to.equal(400);
    expect((await h.anonymous.put('/__emulator/modes', { latencyMs: -1 })).status).to.equal(400);
  });
});
