import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { emulatedBridge, KEY, type Harness } from '../helpers/bridge-harness.js';
import { listenMetrics } from '../../src/http/metrics-endpoint.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { keyFingerprint } from '../../src/coordination/primitives.js';
import type { Emulator } from '../../src/emulator/index.js';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

/** The value of `name{org="default"}`, or undefined when the line is absent. */
function sample(body: string, name: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{org="default"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('e2e: /metrics (prom-client) on the main port, guarded like the debug page', () => {
  const stack = emulatedBridge({ METRICS: 'true', METRICS_TOKEN: TOKEN });
  let h: Harness;
  let emulator: Emulator;
  beforeEach(() => {
    ({ h, emulator } = stack());
  });
  const origin = (): string => h.base.replace(/\/scim\/v2$/, '');

  it('counts SCIM requests and their JumpCloud calls, with templates instead of ids and no userName or key', async () => {
    const user = emulator.store.addUser({ username: 'metricuser', email: 'metricuser@example.com' });
    expect((await h.request('GET', `/Users/${user._id}`)).status).to.equal(200);
    expect((await h.request('GET', '/Users?filter=userName+eq+%22metricuser%22')).status).to.equal(200);
    expect((await h.request('GET', '/Users/5f1b2c3d4e5f6a7b8c9d0e99')).status).to.equal(404);
    const res = await fetch(`${origin()}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).to.match(
      /^scim_bridge_scim_requests_total\{org="default",resource="users",method="GET",status="200"\} 2$/m,
    );
    expect(body).to.match(
      /^scim_bridge_scim_requests_total\{org="default",resource="users",method="GET",status="404"\} 1$/m,
    );
    expect(body).to.match(
      /^scim_bridge_upstream_calls_total\{org="default",endpoint="\/api\/systemusers\/:id",method="GET",status="200",retries="0"\} 1$/m,
    );
    expect(body).to.match(
      /^scim_bridge_upstream_calls_total\{org="default",endpoint="\/api\/search\/systemusers",method="POST",status="200",retries="0"\} 1$/m,
    );
    expect(body).to.match(
      /^scim_bridge_scim_request_duration_seconds_count\{org="default",resource="users",method="GET"\} 3$/m,
    );
    expect(body).to.match(/^scim_bridge_scim_requests_in_flight 0$/m);
    expect(body).to.include('scim_bridge_lock_wait_seconds');
    expect(body).to.include('scim_bridge_drift_warnings_total');
    expect(body).to.include('scim_bridge_rate_limited_requests_total');
    for (const secret of [user._id, 'metricuser', KEY, '5f1b2c3d4e5f6a7b8c9d0e99']) expect(body).not.to.include(secret);
  });

  it('labels lock waits by the kind of lock: a user create waits on user-create, a PATCH on user, none on other', async () => {
    const created = await h.request('POST', '/Users', {
      userName: 'lockkind',
      emails: [{ value: 'lockkind@example.com', primary: true }],
    });
    expect(created.status).to.equal(201);
    const patch = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] };
    expect((await h.request('PATCH', `/Users/${created.body.id}`, patch)).status).to.equal(200);
    const body = await (await fetch(`${origin()}/metrics`)).text();
    for (const kind of ['user-create', 'user'])
      expect(body).to.match(
        new RegExp(
          `^scim_bridge_lock_wait_seconds_count\\{kind="${kind}",backend="memory",outcome="acquired"\\} 1$`,
          'm',
        ),
        kind,
      );
    expect(body).not.to.match(/^scim_bridge_lock_wait_seconds_count\{kind="other"/m);
  });

  it("shows the JumpCloud pacer per org after JumpCloud's 429s: learned rate, queue, pauses, 429s, never the key", async () => {
    const users = Array.from({ length: 8 }, (_, i) =>
      emulator.store.addUser({ username: `paced${i}`, email: `paced${i}@example.com` }),
    );
    // Four calls then one every 200 ms: eight reads at once meet a 429, the pacer learns a rate and re-sends.
    emulator.setModes({ rateLimit: { perSecond: 5, burst: 4 } });
    try {
      const answers = await Promise.all(users.map((u) => h.request('GET', `/Users/${u._id}`)));
      expect(answers.map((a) => a.status)).to.deep.equal(users.map(() => 200));
    } finally {
      emulator.setModes({});
    }
    const body = await (await fetch(`${origin()}/metrics`)).text();
    expect(sample(body, 'scim_bridge_upstream_pace_throttled_total')).to.be.at.least(1);
    expect(sample(body, 'scim_bridge_upstream_pace_pauses_total')).to.be.at.least(1);
    expect(sample(body, 'scim_bridge_upstream_pace_rate')).to.be.within(0.5, 10);
    expect(sample(body, 'scim_bridge_upstream_pace_queue_length')).to.equal(0);
    expect(sample(body, 'scim_bridge_upstream_pace_in_flight')).to.equal(0);
    expect(body).to.match(/^scim_bridge_upstream_pace_paused_seconds\{org="default"\} /m);
    expect(body).not.to.include(KEY);
    expect(body).not.to.include(keyFingerprint(KEY).slice(0, 16));
  });

  it('labels requests to an org tenant URL with the org', async () => {
    const org = emulator.store.organization;
    await h.request('GET', `/orgs/${org}/Users?count=1`);
    const body = await (await fetch(`${origin()}/metrics`)).text();
    expect(body).to.match(
      new RegExp(
        `^scim_bridge_scim_requests_total\\{org="${org}",resource="users",method="GET",status="200"\\} 1$`,
        'm',
      ),
    );
  });

  it('does not spend an org label on a request that was not authenticated (made-up org ids)', async () => {
    const madeUp = '0123456789abcdef01234567';
    const refused = await h.request('GET', `/orgs/${madeUp}/Users?count=1`, undefined, { authorization: 'Bearer x' });
    expect(refused.status).to.equal(401);
    const body = await (await fetch(`${origin()}/metrics`)).text();
    expect(body).not.to.include(madeUp);
    expect(body).to.match(
      /^scim_bridge_scim_requests_total\{org="other",resource="users",method="GET",status="401"\} 1$/m,
    );
  });

  it('answers the ordinary 404 to a client that is not local and has no token, and 200 with the token', async () => {
    const proxied = { 'x-forwarded-for': '203.0.113.9' };
    const refused = await fetch(`${origin()}/metrics`, { headers: proxied });
    expect(refused.status).to.equal(404);
    expect(await refused.text()).not.to.include('scim_bridge');
    const wrong = await fetch(`${origin()}/metrics`, { headers: { ...proxied, authorization: 'Bearer nope' } });
    expect(wrong.status).to.equal(404);
    const allowed = await fetch(`${origin()}/metrics`, { headers: { ...proxied, authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).to.equal(200);
    expect(await allowed.text()).to.include('scim_bridge_scim_requests_total');
  });
});

describe('e2e: /metrics off by default', () => {
  const stack = emulatedBridge();
  it('is not served', async () => {
    const { h } = stack();
    const res = await fetch(`${h.base.replace(/\/scim\/v2$/, '')}/metrics`);
    expect(res.status).to.equal(404);
  });
});

describe('metrics on their own port (METRICS_PORT)', () => {
  it('serves only /metrics there, and requires METRICS_TOKEN when one is set', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const limits = { failedAuth: { max: 20, windowMs: 60_000 } };
    const open = await listenMetrics(metrics, 0, '127.0.0.1', undefined, limits);
    const guarded = await listenMetrics(metrics, 0, '127.0.0.1', TOKEN, limits);
    try {
      const at = (s: typeof open, path: string, headers: Record<string, string> = {}): Promise<Response> =>
        fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}${path}`, { headers });
      expect((await at(open, '/metrics')).status).to.equal(200);
      expect((await at(open, '/scim/v2/Users')).status).to.equal(404);
      expect((await at(guarded, '/metrics')).status).to.equal(401);
      expect((await at(guarded, '/metrics', { authorization: `Bearer ${TOKEN}` })).status).to.equal(200);
    } finally {
      open.close();
      guarded.close();
    }
  });
});

describe('metrics: failed METRICS_TOKEN attempts', () => {
  it('are limited per address: over FAILED_AUTH_LIMIT the token is not even compared (429), successes are not counted', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const guarded = await listenMetrics(metrics, 0, '127.0.0.1', TOKEN, { failedAuth: { max: 2, windowMs: 60_000 } });
    try {
      const at = (headers: Record<string, string> = {}): Promise<number> =>
        fetch(`http://127.0.0.1:${(guarded.address() as AddressInfo).port}/metrics`, { headers }).then((r) => r.status);
      expect(await at({ authorization: `Bearer ${TOKEN}` })).to.equal(200);
      expect(await at({ authorization: `Bearer ${TOKEN}` })).to.equal(200);
      expect(await at({ authorization: 'Bearer guess-1' })).to.equal(401);
      expect(await at({ authorization: 'Bearer guess-2' })).to.equal(401);
      expect(await at({ authorization: 'Bearer guess-3' })).to.equal(429);
      expect(await at({ authorization: `Bearer ${TOKEN}` })).to.equal(429);
    } finally {
      guarded.close();
    }
  });
});
