import { expect } from 'chai';
import { createMetrics, disabledMetrics, endpointTemplate, resourceLabel } from '../../../src/observability/metrics.js';

const ORG_A = '5f1b2c3d4e5f6a7b8c9d0e1f';
const USER_ID = 'aabbccddeeff001122334455';

/** The value of one sample line, e.g. `name{a="b"} 3`, or undefined when absent. */
function sample(body: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inside = line.slice(line.indexOf('{') + 1, line.indexOf('}'));
    const have = inside.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics (prom-client)', () => {
  it('templates upstream endpoints: ids and anything not a plain word become :id, the query is dropped', () => {
    expect(endpointTemplate(`/api/systemusers/${USER_ID}`)).to.equal('/api/systemusers/:id');
    expect(endpointTemplate(`/api/v2/usergroups/${USER_ID}/members?limit=100`)).to.equal(
      '/api/v2/usergroups/:id/members',
    );
    expect(endpointTemplate('/api/search/systemusers')).to.equal('/api/search/systemusers');
    expect(endpointTemplate('/api/systemusers/bjensen@example.com')).to.equal('/api/systemusers/:id');
  });

  it('labels the SCIM resource from a closed set: the registered types and the discovery paths', () => {
    const registered = new Map([
      ['users', 'users'],
      ['groups', 'groups'],
      ['devices', 'devices'],
    ]);
    const typeLabel = (segment: string) => registered.get(segment);
    expect(resourceLabel('/Users/abc', typeLabel)).to.equal('users');
    expect(resourceLabel('/groups', typeLabel)).to.equal('groups');
    expect(resourceLabel('/Devices/d1', typeLabel), 'a third registered type is its own label').to.equal('devices');
    expect(resourceLabel('/ServiceProviderConfig', typeLabel)).to.equal('serviceproviderconfig');
    expect(resourceLabel('/bjensen', typeLabel)).to.equal('other');
  });

  it('carries the version and the Node.js version in scim_bridge_build_info', async () => {
    const { body } = await createMetrics({ processMetrics: false, version: '1.2.3' }).render();
    expect(sample(body, 'scim_bridge_build_info', { version: '1.2.3', node: process.version })).to.equal(1);
  });

  it('counts SCIM requests by org/resource/method/status with latency, and tracks in-flight', async () => {
    const m = createMetrics({ processMetrics: false });
    const done = m.scimRequestStarted();
    let body = (await m.render()).body;
    expect(sample(body, 'scim_bridge_scim_requests_in_flight', {})).to.equal(1);
    done({ org: ORG_A, resource: 'users', method: 'patch', status: 200 });
    done({ org: ORG_A, resource: 'users', method: 'patch', status: 200 });
    m.scimRequestStarted()({ org: undefined, resource: 'groups', method: 'GET', status: 404 });
    body = (await m.render()).body;
    expect(sample(body, 'scim_bridge_scim_requests_in_flight', {})).to.equal(0);
    expect(
      sample(body, 'scim_bridge_scim_requests_total', {
        org: ORG_A,
        resource: 'users',
        method: 'PATCH',
        status: '200',
      }),
    ).to.equal(1);
    expect(
      sample(body, 'scim_bridge_scim_requests_total', {
        org: 'default',
        resource: 'groups',
        method: 'GET',
        status: '404',
      }),
    ).to.equal(1);
    expect(
      sample(body, 'scim_bridge_scim_request_duration_seconds_count', {
        org: ORG_A,
        resource: 'users',
        method: 'PATCH',
      }),
    ).to.equal(1);
  });

  it('counts upstream calls by endpoint, status and retries, with latency; network failures have a status too', async () => {
    const m = createMetrics({ processMetrics: false });
    m.upstreamCall(undefined, {
      method: 'PUT',
      path: `/api/systemusers/${USER_ID}`,
      status: 200,
      durationMs: 40,
      attempts: 3,
    });
    m.upstreamCall(undefined, {
      method: 'GET',
      path: `/api/systemusers/${USER_ID}`,
      durationMs: 15_000,
      attempts: 1,
      error: 'timeout of 15000ms exceeded',
    });
    m.upstreamCall(undefined, {
      method: 'GET',
      path: `/api/systemusers/${USER_ID}`,
      durationMs: 5,
      attempts: 1,
      error: 'ECONNRESET',
    });
    const { body, contentType } = await m.render();
    expect(contentType).to.match(/^text\/plain/);
    expect(
      sample(body, 'scim_bridge_upstream_calls_total', {
        endpoint: '/api/systemusers/:id',
        method: 'PUT',
        status: '200',
        retries: '2',
      }),
    ).to.equal(1);
    expect(sample(body, 'scim_bridge_upstream_calls_total', { status: 'timeout' })).to.equal(1);
    expect(sample(body, 'scim_bridge_upstream_calls_total', { status: 'network' })).to.equal(1);
    expect(sample(body, 'scim_bridge_upstream_call_duration_seconds_sum', { method: 'PUT' })).to.be.closeTo(0.04, 1e-9);
  });

  it('records lock waits, drift warnings and rate-limited requests', async () => {
    const m = createMetrics({ processMetrics: false });
    m.lockWait('user', 'redis', 'acquired', 12);
    m.lockWait('user', 'redis', 'timeout', 30_000);
    m.driftWarning('users');
    m.driftWarning('groups');
    m.driftWarning('Not a {label}');
    m.rateLimited('failed-auth');
    const { body } = await m.render();
    expect(
      sample(body, 'scim_bridge_lock_wait_seconds_count', { kind: 'user', backend: 'redis', outcome: 'acquired' }),
    ).to.equal(1);
    expect(sample(body, 'scim_bridge_lock_wait_seconds_count', { outcome: 'timeout' })).to.equal(1);
    expect(sample(body, 'scim_bridge_drift_warnings_total', { resource: 'users' })).to.equal(1);
    expect(sample(body, 'scim_bridge_drift_warnings_total', { resource: 'groups' })).to.equal(1);
    expect(
      sample(body, 'scim_bridge_drift_warnings_total', { resource: 'other' }),
      'a label outside the closed set',
    ).to.equal(1);
    expect(sample(body, 'scim_bridge_rate_limited_requests_total', { limiter: 'failed-auth' })).to.equal(1);
  });

  it('never puts a resource id, a userName or a key in a label, and caps distinct orgs', async () => {
    const m = createMetrics({ processMetrics: false, maxOrgs: 2 });
    const key = 'jcSecretKey0123456789abcdef';
    m.upstreamCall(ORG_A, {
      method: 'GET',
      path: `/api/systemusers/${USER_ID}?key=${key}`,
      status: 200,
      durationMs: 1,
      attempts: 1,
    });
    m.upstreamCall(ORG_A, { method: 'GET', path: '/api/systemusers/bjensen', status: 404, durationMs: 1, attempts: 1 });
    for (const org of [
      '111111111111111111111111',
      '222222222222222222222222',
      '333333333333333333333333',
      'not-an-org',
    ]) {
      m.scimRequestStarted()({ org, resource: 'users', method: 'GET', status: 200 });
    }
    const { body } = await m.render();
    expect(body).not.to.include(USER_ID);
    expect(body).not.to.include(key);
    expect(body).not.to.include('bjensen');
    expect(body).not.to.include('333333333333333333333333');
    expect(body).not.to.include('not-an-org');
    // ORG_A and 111… fill the two slots; 222…, 333… and the malformed one are 'other'.
    expect(sample(body, 'scim_bridge_scim_requests_total', { org: 'other' })).to.equal(3);
  });

  it('adds the Node process metrics, and the disabled form records nothing', async () => {
    expect((await createMetrics().render()).body).to.include('scim_bridge_process_cpu_seconds_total');
    const off = disabledMetrics();
    off.scimRequestStarted()({ org: undefined, resource: 'users', method: 'GET', status: 200 });
    expect(off.enabled).to.equal(false);
    expect((await off.render()).body).to.equal('');
  });
});
