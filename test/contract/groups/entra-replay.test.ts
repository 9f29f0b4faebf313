import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import type nock from 'nock';
import { jc, total } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, uid, group, member, putBody, rec, groupsApp, fixtureText, ext } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe("replay of Entra's group requests (test/fixtures/entra/groups)", () => {
    /** Entra sends back the ids the bridge gave it; the documented samples use other systems' ids, so swap them in. */
    const ids: Record<string, string> = {
      f648f8d5ea4e4cd38e9c: uid(1),
      u1091: uid(2),
      '7f4bc1a3-285e-48ae-8202-5accb43efb0e': uid(3),
      'validator-member-1': uid(4),
      'validator-member-2': uid(5),
    };
    const load = (name: string, swap = true): unknown => {
      let text = fixtureText(name);
      if (swap) for (const [from, to] of Object.entries(ids)) text = text.split(from).join(to);
      return JSON.parse(text) as unknown;
    };
    const getGroup = (): nock.Scope => jc.getGroup(GROUP_ID).reply(200, group());
    const memberWrite = (op: 'add' | 'remove', id: string, status: number): nock.Scope =>
      jc.memberEdits(GROUP_ID, { op, type: 'user', id }).reply(status, status === 204 ? undefined : { message: 'x' });
    const noClash = (name: string): nock.Scope => jc.searchGroupsByName(`${name}`).reply(200, [], total(0));

    const cases: {
      fixture: string;
      method: 'POST' | 'PATCH';
      swap?: boolean;
      upstream: () => void;
      status: number;
      check?: (body: unknown) => void;
    }[] = [
      {
        fixture: 'create-group.json',
        method: 'POST',
        upstream: () => {
          jc.createGroup({
            name: 'displayName',
            description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
          }).reply(201, group({ name: 'displayName' }));
        },
        status: 201,
        check: (b) =>
          expect(rec(b)).to.include({ displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' }),
      },
      {
        fixture: 'patch-replace-displayname.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          noClash('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
          jc.putGroup(
            GROUP_ID,
            putBody('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'),
          ).reply(200, group({ name: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }));
        },
        status: 204,
      },
      {
        fixture: 'patch-add-members.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('add', uid(1), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-members.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(1), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-members-default-mode.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(2), 204)),
        status: 204,
      },
      {
        fixture: 'patch-remove-member-flag-mode.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(3), 404)),
        status: 204,
      },
      {
        fixture: 'validator-replace-displayname-pathless.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          noClash('validator-renamed-group');
          jc.putGroup(GROUP_ID, putBody('validator-renamed-group', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159')).reply(
            200,
            group({ name: 'validator-renamed-group' }),
          );
        },
        status: 204,
      },
      {
        fixture: 'validator-replace-externalid-pathless.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          jc.putGroup(GROUP_ID, putBody('Sales Team', 'validator-external-id')).reply(
            200,
            group({ ...ext('validator-external-id') }),
          );
        },
        status: 204,
      },
      {
        fixture: 'validator-replace-members.json',
        method: 'PATCH',
        upstream: () => {
          getGroup();
          jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(4)), member(uid(1))], total(2));
          memberWrite('remove', uid(1), 204);
          memberWrite('add', uid(5), 204);
        },
        status: 204,
      },
      {
        fixture: 'validator-add-then-remove.json',
        method: 'PATCH',
        upstream: () => (getGroup(), memberWrite('remove', uid(4), 404)),
        status: 204,
      },
      {
        fixture: 'patch-add-members.json',
        method: 'PATCH',
        swap: false,
        upstream: () => undefined,
        status: 400,
        check: (b) => expect(String(rec(b).detail)).to.contain('"f648f8d5ea4e4cd38e9c" is not a JumpCloud user id'),
      },
    ];

    it('every file in test/fixtures/entra/groups is replayed by a case here', () => {
      const files = readdirSync(new URL('../../fixtures/entra/groups/', import.meta.url)).sort();
      expect([...new Set(cases.map((c) => c.fixture))].sort()).to.deep.equal(files);
    });

    for (const c of cases) {
      it(`${c.fixture}${c.swap === false ? ' (ids as documented, not JumpCloud ids)' : ''} → ${c.status}`, async () => {
        c.upstream();
        const res = await app.scim(
          c.method,
          c.method === 'POST' ? '/Groups' : `/Groups/${GROUP_ID}`,
          load(c.fixture, c.swap !== false),
        );
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        c.check?.(res.body);
      });
    }
  });
});
