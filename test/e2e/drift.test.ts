import { expect } from 'chai';
import { emulatedBridge } from '../helpers/bridge-harness.js';

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'drift.user',
  name: { givenName: 'Drift', familyName: 'User' },
  emails: [{ value: 'Drift.User@Contoso.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 (425) 555-0100', type: 'mobile' }],
  active: true,
};

/** The log lines the bridge wrote at warn with kind drift, parsed. */
function driftLines(logs: readonly string[]): Record<string, unknown>[] {
  return logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.level === 'warn' && l.kind === 'drift');
}

describe('e2e: drift detection against a JumpCloud that normalises what it stores', () => {
  const stack = emulatedBridge({ DEBUG_PAGE: 'true', METRICS: 'true', HOST: '127.0.0.1' });

  it('a faithful write raises no drift', async () => {
    const { h } = stack();
    const res = await h.request('POST', '/Users', {
      ...USER,
      userName: 'faithful',
      emails: [{ value: 'faithful@contoso.com', type: 'work', primary: true }],
    });
    expect(res.status).to.equal(201);
    expect(driftLines(h.logs)).to.deep.equal([]);
    expect(h.bridge.drift.total).to.equal(0);
  });

  it('a lower-cased family name is a warning naming the attribute, the value sent and the value stored; counted; the next GET is what JumpCloud stored; a lower-cased e-mail is not', async () => {
    const { h, emulator } = stack();
    // JumpCloud documents that it stores e-mails lowercased (fact emailsLowercased): that alone is no drift.
    emulator.setModes({ normalise: { lastname: 'lowercase', email: 'lowercase' } });
    const created = await h.request('POST', '/Users', USER);
    expect(created.status).to.equal(201);
    const [line, ...more] = driftLines(h.logs);
    expect(more).to.deep.equal([]);
    expect(line).to.include({ resource: 'User', id: created.body.id, attribute: 'name.familyName' });
    expect(line?.sent).to.equal('User');
    expect(line?.stored).to.equal('user');
    expect(String(line?.message)).to.include('JumpCloud stored name.familyName as').and.to.include('not as sent');
    expect(h.bridge.drift.total).to.equal(1);
    expect(h.bridge.drift.byAttribute.get('name.familyName')).to.equal(1);
    // The SCIM answer and every later read show what JumpCloud stored, so Entra sees the truth.
    expect(created.body.name.familyName).to.equal('user');
    expect(created.body.emails[0].value).to.equal('drift.user@contoso.com');
    const read = await h.request('GET', `/Users/${created.body.id as string}`);
    expect(read.body.emails).to.deep.equal([{ value: 'drift.user@contoso.com', type: 'work', primary: true }]);
    const metrics = await (await fetch(h.base.replace('/scim/v2', '/metrics'))).text();
    expect(metrics).to.match(/scim_bridge_drift_warnings_total\{resource="users"\} 1/);
  });

  it('a PATCH whose phone number JumpCloud reformats drifts on phoneNumbers only, and shows on the debug page', async () => {
    const { h, emulator } = stack();
    emulator.setModes({});
    const created = await h.request('POST', '/Users', {
      ...USER,
      userName: 'phone.user',
      emails: [{ value: 'phone.user@contoso.com', type: 'work', primary: true }],
    });
    emulator.setModes({ normalise: { 'phoneNumbers.number': 'digits' } });
    const before = h.bridge.drift.total;
    const patched = await h.request('PATCH', `/Users/${created.body.id as string}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 (425) 555-0199' }],
    });
    expect(patched.status).to.equal(200);
    expect(h.bridge.drift.total).to.equal(before + 1);
    expect(h.bridge.drift.last).to.include({ attribute: 'phoneNumbers' });
    expect(patched.body.phoneNumbers).to.deep.equal([{ value: '+14255550199', type: 'mobile' }]);
    const page = await (await fetch(h.base.replace('/scim/v2', '/debug'))).text();
    expect(page).to.include('Drift warnings since start: <strong>2</strong>').and.to.include('phoneNumbers: 1');
    expect(page).to.match(
      /<span class="tag err">drift<\/span> Drift on User [0-9a-f]{24}: JumpCloud stored phoneNumbers/,
    );
    emulator.setModes({});
  });
});
