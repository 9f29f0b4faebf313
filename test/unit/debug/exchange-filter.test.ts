import { expect } from 'chai';
import { filterFromQuery, matches, subjectsOf } from '../../../src/debug/exchange-filter.js';
import type { Exchange } from '../../../src/observability/exchange.js';
import { loadConfig } from '../../../src/config.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { groupMapping, userMapping, type ResourceMapping } from '../../../src/mapping/exchange-mapping.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { SYSTEM_USERS, USER_GROUPS } from '../../../src/jumpcloud/endpoints.js';
import { ResourceSchema } from '../../../src/scim/schema.js';

const exchange = (over: Partial<Exchange>): Exchange => ({
  id: 'r',
  at: '2026-12-01T00:00:00.000Z',
  method: 'GET',
  url: '/scim/v2/Users',
  status: 200,
  durationMs: 1,
  upstream: [],
  traced: false,
  dryRun: false,
  ...over,
});
const USER_ID = '6b0f2ff4d883090dfa99538e';
const file = loadConfig({}).mappingFile;
const loaded = loadAttributeTable(file, { deriveUsernameFromEmail: false });
/** The shipped registry's mappings, in its order (Users, Groups). */
const mappings: ResourceMapping[] = [
  userMapping(loaded.users, SYSTEM_USERS),
  groupMapping(loadGroupTable(loaded.raw, file), USER_GROUPS.path),
];
const subjects = (e: Exchange) => subjectsOf(e, mappings);
const namesOf = (e: Exchange, type: string): string[] =>
  subjects(e)
    .names.filter((n) => n.type === type)
    .map((n) => n.name);

describe('debug/exchange-filter: finding the exchange', () => {
  it('names the subject from the URL id, a filter, the bodies, and the user JumpCloud returned', () => {
    expect(namesOf(exchange({ url: '/scim/v2/Users?filter=userName+eq+%22jane.doe%22' }), 'User')).to.deep.equal([
      'jane.doe',
    ]);
    expect(
      subjects(
        exchange({
          method: 'POST',
          url: '/scim/v2/Users',
          requestBody: { userName: 'jane.doe' },
          responseBody: { id: USER_ID, userName: 'jane.doe' },
        }),
      ),
    ).to.deep.equal({
      resource: 'Users',
      names: [{ type: 'User', name: 'jane.doe' }],
      ids: [USER_ID],
    });
    // A failed PATCH answers with an error; the user read first still says who it was about.
    const failed = exchange({
      method: 'PATCH',
      url: `/scim/v2/Users/${USER_ID}`,
      status: 400,
      responseBody: { detail: 'nope' },
      upstream: [
        {
          method: 'GET',
          path: `/api/systemusers/${USER_ID}`,
          status: 200,
          responseBody: { _id: USER_ID, username: 'jane.doe' },
          durationMs: 1,
          attempts: 1,
        },
      ],
    });
    expect(subjects(failed)).to.deep.include({ names: [{ type: 'User', name: 'jane.doe' }], ids: [USER_ID] });
    // For Groups, displayName is the group's name; for Users it is a person's name and not a subject.
    expect(
      namesOf(exchange({ method: 'POST', url: '/scim/v2/Groups', requestBody: { displayName: 'Sales' } }), 'Group'),
    ).to.deep.equal(['Sales']);
    expect(
      namesOf(
        exchange({ method: 'POST', url: '/scim/v2/Users', requestBody: { userName: 'a', displayName: 'Sales' } }),
        'Group',
      ),
    ).to.deep.equal([]);
    // The group a failed group PATCH read first, by the group table's name row.
    const group = exchange({
      method: 'PATCH',
      url: `/scim/v2/Groups/${USER_ID}`,
      status: 400,
      upstream: [
        {
          method: 'GET',
          path: `/api/v2/usergroups/${USER_ID}`,
          status: 200,
          responseBody: { id: USER_ID, name: 'Sales' },
          durationMs: 1,
          attempts: 1,
        },
      ],
    });
    expect(subjects(group)).to.deep.equal({
      resource: 'Groups',
      names: [{ type: 'Group', name: 'Sales' }],
      ids: [USER_ID],
    });
  });

  it('names the subjects of any registered type by its own name attribute, and none of an unregistered one', () => {
    const [users] = mappings;
    if (!users) throw new Error('no Users mapping');
    const devices: ResourceMapping = {
      ...users,
      schema: new ResourceSchema('Device', '/Devices', { ...users.schema.core, name: 'Device' }),
      nameAttribute: 'displayName',
    };
    const e = exchange({
      method: 'POST',
      url: '/scim/v2/Devices',
      requestBody: { displayName: 'laptop-7', userName: 'x' },
    });
    expect(subjectsOf(e, [...mappings, devices])).to.deep.equal({
      resource: 'Devices',
      names: [{ type: 'Device', name: 'laptop-7' }],
      ids: [],
    });
    expect(subjectsOf(e, mappings)).to.deep.equal({ resource: 'Devices', names: [], ids: [] });
  });

  it('matches by part of a userName, group name or id (any case), by method, and errors only', () => {
    const failed = exchange({
      method: 'PATCH',
      url: `/scim/v2/Users/${USER_ID}`,
      status: 400,
      requestBody: { userName: 'Jane.Doe' },
    });
    const ok = exchange({ method: 'GET', url: '/scim/v2/Users?filter=userName eq "jane.doe"' });
    const other = exchange({
      method: 'PATCH',
      url: '/scim/v2/Users/aaaaaaaaaaaaaaaaaaaaaaaa',
      status: 400,
      requestBody: { userName: 'john' },
    });
    const pick = (q: Record<string, string>): Exchange[] =>
      [failed, ok, other].filter((e) => matches(e, filterFromQuery(q), subjects(e)));
    expect(pick({ q: 'jane' })).to.deep.equal([failed, ok]);
    expect(pick({ q: 'jane', errors: '1' })).to.deep.equal([failed]);
    expect(pick({ q: USER_ID.slice(0, 10) })).to.deep.equal([failed]);
    expect(pick({ method: 'get' })).to.deep.equal([ok]);
    expect(pick({ errors: '1' })).to.deep.equal([failed, other]);
    expect(pick({})).to.have.length(3);
  });

  it('ignores what it does not understand instead of failing the page', () => {
    expect(filterFromQuery({ method: 'FETCH', errors: 'maybe', q: ['a', 'b'] })).to.deep.equal({ errorsOnly: false });
    expect(filterFromQuery({ q: '  jane ', method: 'patch', errors: 'true' })).to.deep.equal({
      text: 'jane',
      method: 'PATCH',
      errorsOnly: true,
    });
  });
});
