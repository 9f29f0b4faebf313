import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, jcUser, pinnedJumpCloud, type Harness } from '../helpers/bridge-harness.js';
import { forbidden, jc } from '../helpers/jumpcloud-calls.js';

/**
 * What generic SCIM 2.0 client libraries send for users, beyond Entra's shapes: the enterprise extension PATCHed as a
 * whole (its schema URN as the path, RFC 7644 §3.5.2) and the manager written and read with its `$ref` (RFC 7643
 * §8.7.2). Every JumpCloud call pinned.
 */

const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
const MANAGER = '6a1b2c3d4e5f6a7b8c9d0e1f';
const ORG = '5a0b1c2d3e4f5a6b7c8d9e0f';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const patch = (...ops: unknown[]): Record<string, unknown> => ({ schemas: [PATCH_OP], Operations: ops });
describe("contract: generic clients' user shapes → JumpCloud systemusers", () => {
  const bridge = pinnedJumpCloud({ PUBLIC_URL: 'https://scim.example.com' });
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });
  const base = 'https://scim.example.com/scim/v2';

  describe("PATCH with the extension's schema URN as its path", () => {
    const held = { department: 'Ops', employeeIdentifier: '7', costCenter: 'CC1', manager: MANAGER };

    it('replace sets the given attributes: one PUT of them, no read and no uniqueness search', async () => {
      jc.putUser(ID, { department: 'R&D', employeeIdentifier: '42' }).reply(
        200,
        jcUser({ ...held, department: 'R&D', employeeIdentifier: '42' }),
      );
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'replace', path: ENT, value: { department: 'R&D', employeeNumber: '42' } }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT]).to.deep.equal({
        employeeNumber: '42',
        costCenter: 'CC1',
        department: 'R&D',
        manager: { value: MANAGER, $ref: `${base}/Users/${MANAGER}` },
      });
    });

    it('add merges: only the attributes it names are written (unchanged ones as they are, no read first), the others stay', async () => {
      jc.putUser(ID, { company: 'Contoso', department: 'Ops' }).reply(200, jcUser({ ...held, company: 'Contoso' }));
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'add', path: ENT, value: { organization: 'Contoso', department: 'Ops' } }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT]).to.include({ organization: 'Contoso', department: 'Ops', employeeNumber: '7' });
    });

    it('remove clears every attribute of the extension the bridge stores, in one PUT (no read: the unset ones too)', async () => {
      jc.putUser(ID, { employeeIdentifier: '', costCenter: '', company: '', department: '', manager: null }).reply(
        200,
        jcUser({ employeeIdentifier: '', costCenter: '', department: '', manager: null }),
      );
      const res = await h.request('PATCH', `/Users/${ID}`, patch({ op: 'remove', path: ENT }));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.not.have.property(ENT);
      expect(res.body.schemas).to.deep.equal(['urn:ietf:params:scim:schemas:core:2.0:User']);
    });

    it('an unknown attribute in the value is the same 400 as its own path, and nothing is read or written', async () => {
      const calls = forbidden('any');
      const whole = await h.request('PATCH', `/Users/${ID}`, patch({ op: 'add', path: ENT, value: { shoeSize: '9' } }));
      const own = await h.request('PATCH', `/Users/${ID}`, patch({ op: 'add', path: `${ENT}:shoeSize`, value: '9' }));
      expect(calls()).to.equal(0);
      expect(whole.status).to.equal(400);
      expect([whole.body.scimType, own.body.scimType]).to.deep.equal(['invalidPath', 'invalidPath']);
      expect(whole.body.detail).to.equal(
        `operation 1 (key 'shoeSize'): ${own.body.detail.replace(/^operation 1: /, '')}`,
      );
    });

    it("a value its attribute refuses is that attribute's 400 before any call (a scalar PATCH reads nothing), and nothing is written", async () => {
      const puts = forbidden('any');
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'replace', path: ENT, value: { manager: { $ref: `${base}/Groups/x` } } }),
      );
      expect(puts()).to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.scimType).to.equal('invalidValue');
      expect(res.body.detail).to.contain(`'${ENT}:manager.$ref' must be the URI of a User of this bridge`);
    });
  });

  describe("the manager's $ref", () => {
    it('a manager written with {value, $ref} reads back equal: one PUT of the id (no read), the same object in the answer and on GET', async () => {
      const written = { value: MANAGER, $ref: `${base}/Users/${MANAGER}` };
      jc.putUser(ID, { manager: MANAGER }).reply(200, jcUser({ manager: MANAGER }));
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'replace', path: `${ENT}:manager`, value: written }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT].manager).to.deep.equal(written);
      jc.getUser(ID).reply(200, jcUser({ manager: MANAGER }));
      expect((await h.request('GET', `/Users/${ID}`)).body[ENT].manager).to.deep.equal(written);
    });

    it('a manager written with its $ref alone is set (not read as a clearing value) and reads back with the same $ref', async () => {
      jc.putUser(ID, { manager: MANAGER }).reply(200, jcUser({ manager: MANAGER }));
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'replace', path: `${ENT}:manager`, value: { $ref: `${base}/Users/${MANAGER}` } }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT].manager.$ref).to.equal(`${base}/Users/${MANAGER}`);
    });

    it("Entra's bare id reads back with value equal to what it wrote (Entra compares value only)", async () => {
      jc.putUser(ID, { manager: MANAGER }).reply(200, jcUser({ manager: MANAGER }));
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'Add', path: `${ENT}:manager`, value: MANAGER }),
      );
      expect(res.body[ENT].manager.value).to.equal(MANAGER);
    });

    it('sending the manager back as read (with its $ref) is one PUT of the same id, with no read: nothing changes (decision 44)', async () => {
      jc.putUser(ID, { manager: MANAGER }).reply(200, jcUser({ manager: MANAGER }));
      const others = forbidden('any');
      const res = await h.request(
        'PATCH',
        `/Users/${ID}`,
        patch({ op: 'replace', path: ENT, value: { manager: { value: MANAGER, $ref: `${base}/Users/${MANAGER}` } } }),
      );
      expect(others(), 'calls besides the PUT').to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT].manager).to.deep.equal({ value: MANAGER, $ref: `${base}/Users/${MANAGER}` });
    });

    it('through the org path, the $ref carries the org path', async () => {
      nock(JC, { reqheaders: { 'x-api-key': KEY, 'x-org-id': ORG } })
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ manager: MANAGER }));
      const res = await h.request('GET', `/orgs/${ORG}/Users/${ID}`);
      expect(res.body[ENT].manager).to.deep.equal({
        value: MANAGER,
        $ref: `${base}/orgs/${ORG}/Users/${MANAGER}`,
      });
    });

    it('/Schemas declares exactly what is returned: value and $ref by default, displayName never', async () => {
      const res = await h.request('GET', `/Schemas/${ENT}`);
      const manager = res.body.attributes.find((a: { name: string }) => a.name === 'manager');
      expect(manager.subAttributes.map((s: { name: string; returned: string }) => [s.name, s.returned])).to.deep.equal([
        ['value', 'default'],
        ['$ref', 'default'],
        ['displayName', 'never'],
      ]);
    });
  });
});
