import { expect } from 'chai';
import { createEmulator, UNKNOWN_FLIPS, type EmulatorModes } from '../../src/emulator/index.js';
import { startStack, type Stack } from './stack.js';

/**
 * Each behaviour JumpCloud does not document has a flip in the emulator's modes that plays its other answer (facts
 * list, `unknown` entries). Under every flip, the bridge still provisions Entra's whole cycle: match, create, match
 * again, update (phone and address included), a renamed UPN of a user bound to a device (ALLOW_USERNAME_RENAME=true), groups with members (one named like an admin's group
 * but for case), disable, delete.
 */
const FLIPS: readonly EmulatorModes[] = [
  {},
  ...UNKNOWN_FLIPS.map((unknowns) => ({ unknowns })),
  { refuseSearch: { dottedKeys: true } },
];

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patch = (...ops: Record<string, unknown>[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});
const filter = (path: string, f: string) => `${path}?filter=${encodeURIComponent(f)}`;

describe('e2e: Entra provisions its cycle under every flip of the emulator unknowns', function () {
  for (const modes of FLIPS) {
    describe(`modes ${JSON.stringify(modes)}`, () => {
      let stack: Stack;
      before(async () => {
        const emulator = createEmulator({ modes });
        // What an admin made before Entra: a group whose name differs from Entra's only in case.
        emulator.store.addGroup({ name: 'marketing' });
        stack = await startStack({ ALLOW_USERNAME_RENAME: 'true' }, emulator);
      });
      after(() => stack.close());

      it('create, match, PATCH (a bound user renamed), groups and members, disable, delete', async () => {
        const { scim, emulator } = stack;
        const upn = 'ada.lovelace@contoso.example';
        const missing = await scim.get(filter('/Users', `userName eq "${upn}"`));
        expect([missing.status, missing.data.totalResults], JSON.stringify(missing.data)).to.deep.equal([200, 0]);

        const created = await scim.post('/Users', {
          schemas: [CORE, ENTERPRISE],
          userName: upn,
          externalId: 'ext-ada',
          active: true,
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ value: upn, type: 'work', primary: true }],
          phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
          addresses: [{ type: 'work', locality: 'London' }],
          [ENTERPRISE]: { employeeNumber: '1001' },
        });
        expect(created.status, JSON.stringify(created.data)).to.equal(201);
        const id = String(created.data.id);

        const matched = await scim.get(filter('/Users', `userName eq "${upn}"`));
        expect(matched.data.totalResults, JSON.stringify(matched.data)).to.equal(1);
        expect(matched.data.Resources[0]).to.include({ id, userName: upn });

        // A device binds the user: JumpCloud then refuses a rename (fact boundUserRename), unless the flip allows it.
        emulator.store.bound.add(id);
        const updated = await scim.patch(
          `/Users/${id}`,
          patch(
            { op: 'Replace', path: 'title', value: 'Analyst' },
            { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' },
            { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'Cambridge' },
            { op: 'Replace', path: 'userName', value: 'ada.king@contoso.example' },
          ),
        );
        expect(updated.status, JSON.stringify(updated.data)).to.equal(200);
        expect(updated.data).to.deep.include({
          title: 'Analyst',
          userName: 'ada.king@contoso.example',
          phoneNumbers: [{ value: '+1 555 0199', type: 'mobile' }],
        });
        const renameAllowed = modes.unknowns?.boundRenameAllowed === true;
        expect(emulator.store.users.get(id)?.username).to.equal(renameAllowed ? 'ada.king' : 'ada.lovelace');
        // Without dotted keys, userName eq searches the username form only: a userName kept under another username
        // is then not found by eq (the documented cost of that org's answer).
        const renamed = await scim.get(filter('/Users', 'userName eq "ada.king@contoso.example"'));
        const keptAndUnsearchable = !renameAllowed && modes.refuseSearch?.dottedKeys === true;
        expect(renamed.data.totalResults, JSON.stringify(renamed.data)).to.equal(keptAndUnsearchable ? 0 : 1);

        // Groups: a new one with a member, and the admin's "marketing" found by Entra's "Marketing".
        const noGroup = await scim.get(filter('/Groups', 'displayName eq "Analysts"'));
        expect(noGroup.data.totalResults).to.equal(0);
        const group = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Analysts',
          externalId: 'g-analysts',
          members: [{ value: id }],
        });
        expect(group.status, JSON.stringify(group.data)).to.equal(201);
        const gid = String(group.data.id);
        expect(emulator.store.memberships.get(gid)).to.deep.equal([id]);
        const adopted = await scim.get(filter('/Groups', 'displayName eq "Marketing"'));
        expect(adopted.data.totalResults, JSON.stringify(adopted.data)).to.equal(1);
        const mid = String(adopted.data.Resources[0].id);
        // Names are unique ignoring case: creating or renaming onto the admin's group is a 409 naming it, never a loop.
        const clash = `A JumpCloud user group (id ${mid}) is already named "marketing"; group names are unique ignoring case.`;
        const created2 = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'MARKETING',
        });
        expect([created2.status, created2.data.detail]).to.deep.equal([409, clash]);
        const renamedGroup = await scim.patch(
          `/Groups/${gid}`,
          patch({ op: 'Replace', path: 'displayName', value: 'Marketing' }),
        );
        expect([renamedGroup.status, renamedGroup.data.detail]).to.deep.equal([409, clash]);
        expect(
          (await scim.patch(`/Groups/${mid}`, patch({ op: 'Add', path: 'members', value: [{ value: id }] }))).status,
        ).to.equal(204);
        expect(
          (await scim.patch(`/Groups/${gid}`, patch({ op: 'Remove', path: `members[value eq "${id}"]` }))).status,
        ).to.equal(204);
        expect(emulator.store.memberships.get(gid)).to.deep.equal([]);

        const disabled = await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
        expect([disabled.status, disabled.data.active]).to.deep.equal([200, false]);
        expect(emulator.store.users.get(id)).to.include({ suspended: true, state: 'SUSPENDED' });

        expect((await scim.delete(`/Users/${id}`)).status).to.equal(204);
        expect((await scim.delete(`/Groups/${gid}`)).status).to.equal(204);
        expect(emulator.store.users.has(id)).to.equal(false);
        expect(emulator.violations).to.deep.equal([]);
      });
    });
  }
});
