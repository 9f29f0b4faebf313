import { expect } from 'chai';
import { filterFromQuery, matches, subjectsOf } from '../../../src/debug/exchange-filter.js';
import type { Exchange } from '../../../src/observability/exchange.js';

const exchange = (over: Partial<Exchange>): Exchange => ({ id: 'r', at: '2026-12-01T00:00:00.000Z', method: 'GET', url: '/scim/v2/Users', status: 200, durationMs: 1, upstream: [], traced: false, dryRun: false, ...over });
const USER_ID = '6b0f2ff4d883090dfa99538e';

describe('debug/exchange-filter: finding the exchange', () => {
  it('names the subject from the URL id, a filter, the bodies, and the user JumpCloud returned', () => {
    expect(subjectsOf(exchange({ url: '/scim/v2/Users?filter=userName+eq+%22jane.doe%22' })).userNames).to.deep.equal(['jane.doe']);
    expect(subjectsOf(exchange({ method: 'POST', url: '/scim/v2/Users', requestBody: { userName: 'jane.doe' }, responseBody: { id: USER_ID, userName: 'jane.doe' } }))).to.deep.equal({
      resource: 'Users',
      userNames: ['jane.doe'],
      groupNames: [],
      ids: [USER_ID],
    });
    // A failed PATCH answers with an error; the user read first still says who it was about.
    const failed = exchange({
      method: 'PATCH',
      url: `/scim/v2/Users/${USER_ID}`,
      status: 400,
      responseBody: { detail: 'nope' },
      upstream: [{ method: 'GET', path: `/api/systemusers/${USER_ID}`, status: 200, responseBody: { _id: USER_ID, username: 'jane.doe' }, durationMs: 1, attempts: 1 }],
    });
    expect(subjectsOf(failed)).to.deep.include({ userNames: ['jane.doe'], ids: [USER_ID] });
    // For Groups, displayName is the group's name; for Users it is a person's name and not a subject.
    expect(subjectsOf(exchange({ method: 'POST', url: '/scim/v2/Groups', requestBody: { displayName: 'Sales' } })).groupNames).to.deep.equal(['Sales']);
    expect(subjectsOf(exchange({ method: 'POST', url: '/scim/v2/Users', requestBody: { userName: 'a', displayName: 'Sales' } })).groupNames).to.deep.equal([]);
  });

  it('matches by part of a userName, group name or id (any case), by method, and errors only', () => {
    const failed = exchange({ method: 'PATCH', url: `/scim/v2/Users/${USER_ID}`, status: 400, requestBody: { userName: 'Jane.Doe' } });
    const ok = exchange({ method: 'GET', url: '/scim/v2/Users?filter=userName eq "jane.doe"' });
    const other = exchange({ method: 'PATCH', url: '/scim/v2/Users/aaaaaaaaaaaaaaaaaaaaaaaa', status: 400, requestBody: { userName: 'john' } });
    const pick = (q: Record<string, string>): Exchange[] => [failed, ok, other].filter((e) => matches(e, filterFromQuery(q)));
    expect(pick({ q: 'jane' })).to.deep.equal([failed, ok]);
    expect(pick({ q: 'jane', errors: '1' })).to.deep.equal([failed]);
    expect(pick({ q: USER_ID.slice(0, 10) })).to.deep.equal([failed]);
    expect(pick({ method: 'get' })).to.deep.equal([ok]);
    expect(pick({ errors: '1' })).to.deep.equal([failed, other]);
    expect(pick({})).to.have.length(3);
  });

  it('ignores what it does not understand instead of failing the page', () => {
    expect(filterFromQuery({ method: 'FETCH', errors: 'maybe', q: ['a', 'b'] })).to.deep.equal({ errorsOnly: false });
    expect(filterFromQuery({ q: '  jane ', method: 'patch', errors: 'true' })).to.deep.equal({ text: 'jane', method: 'PATCH', errorsOnly: true });
  });
});
