import { expect } from 'chai';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import type { JumpCloudErrorKind } from '../../../src/jumpcloud/failure-kinds.js';
import { ScimError } from '../../../src/scim/errors.js';
import { addressed, scimErrorFor, translated } from '../../../src/mapping/upstream-errors.js';

const failure = (kind: JumpCloudErrorKind, status?: number, said = 'upstream words'): JumpCloudError =>
  new JumpCloudError(kind, said, {
    method: 'GET',
    path: '/api/systemusers/x',
    ...(status !== undefined ? { status } : {}),
    attempts: 1,
  });

/** The SCIM error a JumpCloud failure becomes: what Entra's provisioning log shows the admin. */
describe('mapping/upstream-errors', () => {
  describe('scimErrorFor: one row per JumpCloud failure kind', () => {
    const cases: {
      kind: JumpCloudErrorKind;
      status?: number;
      want: { status: number; scimType?: string; detail: string };
    }[] = [
      {
        kind: 'unauthorized',
        status: 401,
        want: {
          status: 401,
          detail:
            "JumpCloud rejected the API key used as the Secret Token (check it is current and belongs to this console's region). JumpCloud said: upstream words",
        },
      },
      {
        kind: 'forbidden',
        status: 403,
        want: {
          status: 403,
          detail:
            "The JumpCloud API key is not allowed to do this (check the administrator's role, and JUMPCLOUD_ORG_ID for multi-tenant keys). JumpCloud said: upstream words",
        },
      },
      { kind: 'notFound', status: 404, want: { status: 404, detail: 'Resource not found' } },
      {
        kind: 'alreadyExists',
        status: 400,
        want: {
          status: 409,
          scimType: 'uniqueness',
          detail:
            'JumpCloud already has an object with the same username, email, alternate email or employee id. JumpCloud said: upstream words',
        },
      },
      { kind: 'conflict', status: 409, want: { status: 409, detail: 'JumpCloud said: upstream words' } },
      {
        kind: 'badRequest',
        status: 400,
        want: {
          status: 400,
          scimType: 'invalidValue',
          detail: 'JumpCloud rejected the change. JumpCloud said: upstream words',
        },
      },
      {
        kind: 'rateLimited',
        status: 429,
        want: {
          status: 503,
          detail:
            "JumpCloud is throttling requests and the bridge's retry budget ran out; Entra will retry. JumpCloud said: upstream words",
        },
      },
      { kind: 'timeout', want: { status: 504, detail: 'JumpCloud did not answer in time; Entra will retry.' } },
      { kind: 'network', want: { status: 502, detail: 'JumpCloud could not be reached; Entra will retry.' } },
      {
        kind: 'unavailable',
        status: 502,
        want: { status: 502, detail: 'JumpCloud answered 502; Entra will retry. JumpCloud said: upstream words' },
      },
    ];
    for (const c of cases) {
      it(`${c.kind} → ${c.want.status}`, () => {
        const e = scimErrorFor(failure(c.kind, c.status));
        expect(e).to.be.instanceOf(ScimError);
        expect({ status: e.status, ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.detail }).to.deep.equal(
          c.want,
        );
      });
    }

    it('never passes a 429 on: Entra may quarantine a job that sees throttling, so it gets a 503 it retries', () => {
      expect(scimErrorFor(failure('rateLimited', 429)).status).to.equal(503);
    });

    it('names the resource in a not-found, and the clashing fields in a uniqueness conflict', () => {
      expect(scimErrorFor(failure('notFound', 404), 'Group').detail).to.equal('Group not found');
      expect(scimErrorFor(failure('alreadyExists', 400), 'Group', 'the same name').detail).to.equal(
        'JumpCloud already has an object with the same name. JumpCloud said: upstream words',
      );
    });

    it('says "an error" when a 5xx arrived without a status', () => {
      expect(scimErrorFor(failure('unavailable')).detail).to.equal(
        'JumpCloud answered an error; Entra will retry. JumpCloud said: upstream words',
      );
    });
  });

  describe('translated', () => {
    it('passes the result through', async () => {
      expect(await translated(async () => 42)).to.equal(42);
    });

    it('turns a JumpCloud failure into its SCIM error, naming the resource', async () => {
      const e = await translated(() => Promise.reject(failure('notFound', 404)), 'User').catch((x: unknown) => x);
      expect(e).to.be.instanceOf(ScimError);
      expect((e as ScimError).detail).to.equal('User not found');
    });

    it('lets any other error through unchanged', async () => {
      const bug = new TypeError('a bug');
      expect(await translated(() => Promise.reject(bug)).catch((x: unknown) => x)).to.equal(bug);
    });
  });

  describe('addressed: a read or delete by id', () => {
    it('turns JumpCloud 404 and 400 (a malformed id) into "not found"', async () => {
      for (const kind of ['notFound', 'badRequest'] as const) {
        const e = (await addressed(() => Promise.reject(failure(kind, kind === 'notFound' ? 404 : 400)), 'User').catch(
          (x: unknown) => x,
        )) as ScimError;
        expect(e).to.be.instanceOf(ScimError);
        expect([e.status, e.scimType, e.detail]).to.deep.equal([404, undefined, 'User not found']);
      }
    });

    it('translates other JumpCloud failures as usual and lets other errors through', async () => {
      const e = (await addressed(() => Promise.reject(failure('forbidden', 403)), 'Group').catch(
        (x: unknown) => x,
      )) as ScimError;
      expect(e.status).to.equal(403);
      const bug = new RangeError('a bug');
      expect(await addressed(() => Promise.reject(bug), 'Group').catch((x: unknown) => x)).to.equal(bug);
      expect(await addressed(async () => 'ok', 'Group')).to.equal('ok');
    });
  });
});
