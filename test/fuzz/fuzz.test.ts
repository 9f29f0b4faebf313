import { expect } from 'chai';
import fc from 'fast-check';
import { loadAttributeTable } from '../../src/mapping/attribute-table.js';
import { loadConfig } from '../../src/config.js';
import { parseFilter } from '../../src/scim/filter.js';
import { parsePatchRequest } from '../../src/scim/patch.js';
import { ScimError } from '../../src/scim/errors.js';
import { KEY, emulatedBridge, type Harness } from '../helpers/bridge-harness.js';
import { fuzzRequests } from './http-inputs.js';

/** Fixed seed: npm test replays the same inputs every run; `npm run fuzz:long` explores with fresh seeds. */
const SEED = 20261201;

describe('fuzz (fast-check, fixed seed): no input makes a 5xx or crashes the process', function () {
  this.timeout(120_000);

  it('the filter parser either parses or throws a 400 ScimError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[\sa-zA-Z."()[\]\\ ]{0,60}$/)), (text) => {
        try {
          parseFilter(text);
        } catch (e) {
          expect(e).to.be.instanceOf(ScimError);
          expect((e as ScimError).status).to.equal(400);
        }
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('the PATCH parser either parses or throws a 4xx ScimError', () => {
    const table = loadAttributeTable(loadConfig({}).mappingFile, { deriveUsernameFromEmail: false }).users;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
        try {
          parsePatchRequest(body, table.schema);
        } catch (e) {
          expect(e).to.be.instanceOf(ScimError);
          expect((e as ScimError).status).to.be.within(400, 499);
        }
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  describe('over HTTP (filters, PATCH bodies and paths, JSON bodies, headers, path segments)', () => {
    const stack = emulatedBridge({ TRACE_USERS: 'x', DEBUG_PAGE: 'true', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
    let h: Harness;
    beforeEach(() => {
      ({ h } = stack());
    });

    it('every request answers below 500 with a SCIM error body when it fails, and the process keeps serving', async () => {
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(fuzzRequests(KEY), async (r) => {
          const res = await fetch(h.base + r.path, {
            method: r.method,
            headers: r.headers,
            ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { body: r.body } : {}),
          }).catch((e: unknown) => e as Error);
          if (res instanceof Error) return; // the client refused to send it (an invalid header): nothing reached the bridge
          const text = await res.text();
          if (res.status >= 500) failures.push(`${r.method} ${r.path} → ${res.status} ${text.slice(0, 200)}`);
          expect(
            res.status,
            `${r.method} ${r.path} ${JSON.stringify(r.headers)} ${r.body?.slice(0, 200) ?? ''} → ${text.slice(0, 300)}`,
          ).to.be.below(500);
          if (res.status >= 400 && r.method !== 'HEAD' && text)
            expect(JSON.parse(text).schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
        }),
        { seed: SEED, numRuns: 400 },
      );
      expect(failures).to.deep.equal([]);
      expect((await h.request('GET', '/ServiceProviderConfig')).status).to.equal(200);
    });
  });
});
