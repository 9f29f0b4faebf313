import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { ScimError } from '../../../src/scim/errors.js';
import { parsePatchRequest } from '../../../src/scim/patch.js';
import type { GraphConnection, GraphObjectWithPaths } from '../../../src/jumpcloud/types.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import {
  isDirect,
  isDynamic,
  memberChanges,
  memberRefs,
  memberSteps,
  needsCurrent,
  stillNeeded,
  type MemberRef,
} from '../../../src/mapping/group-members.js';

const shipped = loadConfig({}).mappingFile;
const schema = loadGroupTable(loadAttributeTable(shipped, { deriveUsernameFromEmail: false }).raw, shipped).schema;
const id = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;
const ref = (n: number): MemberRef => ({ value: id(n), $ref: `https://b/Users/${id(n)}`, type: 'User' });
const patch = (...ops: unknown[]): ReturnType<typeof parsePatchRequest> =>
  parsePatchRequest({ Operations: ops }, schema);
const scimError = (f: () => unknown): ScimError => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ScimError);
    return e as ScimError;
  }
  throw new Error('expected a ScimError');
};

describe('mapping/group-members', () => {
  describe('isDynamic', () => {
    it('is true only for the DYNAMIC_ membership methods JumpCloud recomputes', () => {
      expect(isDynamic({ id: 'g', name: 'n', membershipMethod: 'DYNAMIC_AUTOMATED' })).to.equal(true);
      expect(isDynamic({ id: 'g', name: 'n', membershipMethod: 'DYNAMIC_REVIEW_REQUIRED' })).to.equal(true);
      expect(isDynamic({ id: 'g', name: 'n', membershipMethod: 'STATIC' })).to.equal(false);
      expect(isDynamic({ id: 'g', name: 'n' })).to.equal(false);
    });
  });

  describe('memberRefs', () => {
    it('lists each user once, with its $ref on this bridge, and skips what is not a user', () => {
      const edges = [
        { to: { id: id(1), type: 'user' } },
        { to: { id: id(2), type: 'system' } },
        { to: { id: id(1), type: 'user' } },
        { to: { type: 'user' } },
        { to: { id: id(3), type: 'user' } },
      ] as unknown as GraphConnection[];
      expect(memberRefs(edges, 'https://bridge/scim/v2')).to.deep.equal([
        { value: id(1), $ref: `https://bridge/scim/v2/Users/${id(1)}`, type: 'User' },
        { value: id(3), $ref: `https://bridge/scim/v2/Users/${id(3)}`, type: 'User' },
      ]);
    });
  });

  describe('memberSteps', () => {
    it('reads an `or` of `value eq` filters as a remove of those ids, without reading the group', () => {
      const steps = memberSteps(
        patch({ op: 'remove', path: `members[value eq "${id(1)}" or value eq "${id(2).toUpperCase()}"]` }),
      );
      expect(steps).to.deep.equal([{ kind: 'remove', ids: [id(1), id(2)] }]);
      expect(needsCurrent(steps)).to.equal(false);
    });

    it('keeps any other filter (an `or` with a non-id part, a non-eq compare) as a filtered remove that needs the members', () => {
      for (const filter of [`value eq "${id(1)}" or value sw "6a"`, 'value sw "6a"', 'type eq "User"']) {
        const steps = memberSteps(patch({ op: 'remove', path: `members[${filter}]` }));
        expect(steps).to.have.length(1);
        expect(steps[0]?.kind, filter).to.equal('removeWhere');
        expect(needsCurrent(steps)).to.equal(true);
      }
    });

    it('reads a remove of `members` without a value (or with null) as "remove all"', () => {
      expect(memberSteps(patch({ op: 'remove', path: 'members' }))).to.deep.equal([{ kind: 'clear' }]);
      expect(memberSteps(patch({ op: 'remove', path: 'members', value: null }))).to.deep.equal([{ kind: 'clear' }]);
      expect(memberSteps(patch({ op: 'remove', path: 'members', value: [{ value: id(5) }] }))).to.deep.equal([
        { kind: 'remove', ids: [id(5)] },
      ]);
    });

    it('reads a replace as the new member list', () => {
      const steps = memberSteps(patch({ op: 'replace', path: 'members', value: [{ value: id(1) }] }));
      expect(steps).to.deep.equal([{ kind: 'set', ids: [id(1)] }]);
      expect(needsCurrent(steps)).to.equal(true);
    });

    it('skips an operation left without a path (the pathless split gives every member write one)', () => {
      expect(
        memberSteps([{ op: 'replace', where: 'operation 1', value: { members: [{ value: id(1) }] } }]),
      ).to.deep.equal([]);
    });

    it('tells the admin how to address members when a sub-attribute is named', () => {
      const e = scimError(() =>
        memberSteps(patch({ op: 'replace', path: `members[value eq "${id(1)}"].display`, value: 'x' })),
      );
      expect(e.scimType).to.equal('invalidPath');
      expect(e.detail).to.equal(
        `operation 1: address members as 'members' or 'members[value eq "<id>"]', not 'members[value eq "${id(1)}"].display'`,
      );
      expect(scimError(() => memberSteps(patch({ op: 'add', path: 'members.value', value: id(1) }))).scimType).to.equal(
        'invalidPath',
      );
    });

    it('refuses an add or replace on a filtered path, saying how to add members', () => {
      const e = scimError(() =>
        memberSteps(patch({ op: 'add', path: `members[value eq "${id(1)}"]`, value: [{ value: id(1) }] })),
      );
      expect(e.scimType).to.equal('invalidPath');
      expect(e.detail).to.equal(
        `operation 1: "add" on 'members[value eq "${id(1)}"]' is not supported; add members with path 'members' and a value list`,
      );
    });

    it('names the operation and the id when an id is not a JumpCloud user id, cutting a long one to 64 characters', () => {
      const long = 'x'.repeat(100);
      const e = scimError(() =>
        memberSteps(patch({ op: 'add', path: 'members', value: [{ value: id(1) }, { value: long }] })),
      );
      expect(e.scimType).to.equal('invalidValue');
      expect(e.detail).to.equal(
        `operation 1: member "${'x'.repeat(64)}" is not a JumpCloud user id (24 hexadecimal characters); provision the user through /Users first`,
      );
      const shape = scimError(() => memberSteps(patch({ op: 'add', path: 'members', value: [{ display: 'Adele' }] })));
      expect(shape.detail).to.equal('operation 1: members must be given as [{"value": "<user id>"}]');
    });
  });

  describe('memberChanges', () => {
    it('refuses to compute replace/clear/filtered steps without the current members', () => {
      expect(() => memberChanges([{ kind: 'clear' }])).to.throw(
        Error,
        'memberChanges needs the current members for replace/clear/filtered remove',
      );
      expect(() => memberChanges([{ kind: 'set', ids: [id(1)] }])).to.throw(Error, 'needs the current members');
    });

    it('adds only who is not a member yet and removes only who is', () => {
      const current = [ref(1), ref(2)];
      expect(memberChanges([{ kind: 'add', ids: [id(1), id(3)] }], current)).to.deep.equal({
        add: [id(3)],
        remove: [],
      });
      expect(memberChanges([{ kind: 'remove', ids: [id(2), id(4)] }], current)).to.deep.equal({
        add: [],
        remove: [id(2)],
      });
      expect(
        memberChanges(
          [
            { kind: 'remove', ids: [id(1)] },
            { kind: 'add', ids: [id(1)] },
          ],
          current,
        ),
      ).to.deep.equal({ add: [], remove: [] });
      expect(memberChanges([{ kind: 'clear' }, { kind: 'add', ids: [id(2), id(5)] }], current)).to.deep.equal({
        add: [id(5)],
        remove: [id(1)],
      });
    });

    it('compares current member ids case-insensitively', () => {
      const current: MemberRef[] = [{ value: id(10).toUpperCase(), $ref: '', type: 'User' }];
      expect(memberChanges([{ kind: 'add', ids: [id(10)] }], current)).to.deep.equal({ add: [], remove: [] });
    });
  });

  describe('isDirect', () => {
    const member = (paths?: unknown): GraphObjectWithPaths =>
      ({ id: id(1), type: 'user', ...(paths !== undefined ? { paths } : {}) }) as GraphObjectWithPaths;

    it('trusts the edge when JumpCloud gives no paths', () => {
      expect(isDirect(member())).to.equal(true);
      expect(isDirect(member([]))).to.equal(true);
      expect(isDirect(member('not a list'))).to.equal(true);
    });

    it('is direct when one path has a single hop, and inherited when every path has more', () => {
      expect(isDirect(member([[{ to: 'g' }]]))).to.equal(true);
      expect(isDirect(member([[{ to: 'g2' }, { to: 'g' }], [{ to: 'g' }]]))).to.equal(true);
      expect(isDirect(member([[{ to: 'g2' }, { to: 'g' }]]))).to.equal(false);
      expect(isDirect(member([{ to: 'g' }]))).to.equal(false);
    });
  });
});

describe('mapping/group-members: stillNeeded', () => {
  const changes = { add: ['a1', 'a2'], remove: ['r1', 'r2'] };
  it('drops adds of members the read lists; drops removes of absent members only when the read saw everyone', () => {
    expect(stillNeeded(changes, { ids: new Set(['a1', 'r1']), complete: true })).to.deep.equal({
      add: ['a2'],
      remove: ['r1'],
    });
    expect(stillNeeded(changes, { ids: new Set(['a1', 'r1']), complete: false })).to.deep.equal({
      add: ['a2'],
      remove: ['r1', 'r2'],
    });
  });
});
