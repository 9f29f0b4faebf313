import { expect } from 'chai';
import { escapeHtml, renderExchange, renderMapping, renderPage } from '../../../src/debug/render.js';
import type { BufferedExchange } from '../../../src/debug/exchange-buffer.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { groupMapping, userMapping } from '../../../src/mapping/exchange-mapping.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { SYSTEM_USERS, USER_GROUPS } from '../../../src/jumpcloud/endpoints.js';
import { loadConfig } from '../../../src/config.js';
import { allSchemas } from '../../../src/scim/discovery.js';

const HOSTILE = `<img src=x onerror=alert(1)>"'\`&`;

const hostileExchange: BufferedExchange = {
  seq: 7,
  id: HOSTILE,
  at: HOSTILE,
  method: HOSTILE,
  url: `/scim/v2/Users?filter=${HOSTILE}`,
  requestBody: { displayName: HOSTILE },
  status: 400,
  responseBody: HOSTILE,
  durationMs: 3,
  upstream: [
    {
      method: 'POST',
      path: `/api/${HOSTILE}`,
      query: { q: HOSTILE },
      requestBody: { x: HOSTILE },
      status: 200,
      responseBody: [HOSTILE],
      durationMs: 1,
      attempts: 3,
      error: HOSTILE,
      dryRun: true,
    },
  ],
  traced: true,
  dryRun: true,
};

describe('debug page rendering', () => {
  it('escapes the five HTML-significant characters and the backtick', () => {
    expect(escapeHtml(HOSTILE)).to.equal('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;');
    expect(escapeHtml(undefined)).to.equal('');
    expect(escapeHtml(42)).to.equal('42');
  });

  it('never lets a value from a client or JumpCloud become markup', () => {
    const html = renderExchange(hostileExchange);
    expect(html).to.not.contain('<img');
    expect(html).to.not.match(/"'`/);
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1).to.be.greaterThan(8);
    expect(html).to.contain('retries 2');
    expect(html).to.contain('dry run');
  });

  it("shows the JumpCloud pacer's state per org: learned rate, pause, queue, in flight, 429s and pauses", () => {
    const page = renderPage([], {
      nonce: 'n',
      capacity: 5,
      last: 0,
      dryRun: false,
      filter: { errorsOnly: false },
      total: 0,
      mappings: [],
      pace: [
        {
          org: undefined,
          proven: true,
          rate: 17.04,
          pausedMs: 1_250,
          queued: 42,
          inFlight: 3,
          inFlightLimit: 5,
          pauses: 2,
          throttles: 7,
        },
        {
          org: 'a'.repeat(24),
          proven: false,
          rate: undefined,
          pausedMs: 0,
          queued: 0,
          inFlight: 0,
          inFlightLimit: 16,
          pauses: 0,
          throttles: 0,
        },
      ],
    });
    expect(page).to.contain(
      'default org: 17 calls/s, <strong>paused 1.3 s</strong>; 42 waiting, 3 in flight (limit 5); 7 answers 429, 2 pauses since start.',
    );
    expect(page).to.contain(
      `org ${'a'.repeat(24)} (a key JumpCloud has not accepted yet): no limit learned yet; 0 waiting`,
    );
  });

  it('puts the same nonce on the one script and the style, and escapes the empty-state page', () => {
    const page = renderPage([], {
      nonce: 'abc"def',
      capacity: 5,
      last: 0,
      dryRun: true,
      filter: { errorsOnly: false },
      total: 0,
      mappings: [],
    });
    expect(page).to.contain('<script nonce="abc&quot;def">');
    expect(page).to.contain('<style nonce="abc&quot;def">');
    expect(page.match(/<script/g)).to.have.length(1);
    expect(page).to.contain('DRY_RUN is on');
  });

  it('shows every mapping row of every resource type given, and the generated schema attributes', () => {
    const config = loadConfig({});
    const loaded = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: false });
    const table = loaded.users;
    const groups = loadGroupTable(loaded.raw, config.mappingFile);
    const mappings = [userMapping(table, SYSTEM_USERS), groupMapping(groups, USER_GROUPS.path)];
    const html = renderMapping(mappings, allSchemas(mappings.map((m) => m.schema)), 'n', '<file>');
    for (const row of table.rows) expect(html).to.contain(escapeHtml(row.scim));
    expect(html).to.contain('attributes.scimExternalId');
    expect(html).to.contain('name.givenName');
    expect(html).to.contain('&lt;file&gt;');
    // One section per type, in the order given (the registry's discovery order), with each of its rows.
    expect(html.indexOf('<h3>User <span class="mono">/Users</span></h3>')).to.be.greaterThan(-1);
    expect(html.indexOf('<h3>Group <span class="mono">/Groups</span></h3>')).to.be.greaterThan(
      html.indexOf('<h3>User '),
    );
    const groupSection = html.slice(html.indexOf('<h3>Group '));
    for (const row of groups.rows) expect(groupSection).to.contain(`<td class="mono">${escapeHtml(row.target)}</td>`);
  });
});
