import fc from 'fast-check';

/**
 * Hostile-input generators for the bridge's HTTP surface, shared by the fixed-seed fuzz tests (npm test) and the
 * long run (npm run fuzz:long). Each produces one request; the property is always the same: no 5xx, no crash.
 */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** encodeURIComponent refuses lone surrogates; the path still gets the rest of the text. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''));
  }
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ATTRS = [
  'userName',
  'name.givenName',
  'emails',
  'emails[type eq "work"].value',
  'active',
  'title',
  'members',
  'displayName',
  'externalId',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'phoneNumbers[type eq "mobile"]',
  '__proto__',
  'constructor.prototype',
  'meta.created',
];
const OPS = ['add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'delete', '', 'ADD'];

/** Text with the characters that break parsers: quotes, brackets, escapes, control characters, non-BMP. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^[\s"'()[\]{}\\%.:,;=!<>a-zA-Z0-9]{0,40}$/),
  fc.constantFrom(
    '%',
    '%%',
    '%E0%A4%A',
    '%00',
    '\u0000',
    '\uD800',
    '"',
    '\\',
    '[[[[',
    'userName eq',
    'not (',
    'emails[',
    'a eq "b" and',
    'x'.repeat(5000),
  ),
);

const filterText = fc.oneof(
  nasty,
  fc
    .tuple(
      fc.constantFrom(...ATTRS),
      fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'pr', 'EQ', 'xx'),
      nasty,
    )
    .map(([a, op, v]) => `${a} ${op} ${JSON.stringify(v)}`),
  fc
    .array(fc.tuple(fc.constantFrom(...ATTRS), nasty), { maxLength: 4 })
    .map((terms) =>
      terms.map(([a, v]) => `${a} eq "${v}"`).join(fc.sample(fc.constantFrom(' and ', ' or ', ' AND '), 1)[0]),
    ),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.dictionary(
    fc.constantFrom(
      'schemas',
      'userName',
      'emails',
      'name',
      'active',
      'members',
      'displayName',
      '__proto__',
      'constructor',
      'Operations',
      'id',
      'externalId',
    ),
    fc.jsonValue({ maxDepth: 4 }),
  ),
);

/**
 * Any JSON, with the object keys that break a naive conversion to text (`toString`/`valueOf` that are not functions
 * make `String(v)`, `${v}` and `[v].join()` throw) more likely than chance would make them.
 */
const nested: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'a'), fc.jsonValue({ maxDepth: 3 })),
  fc.array(
    fc.dictionary(fc.constantFrom('toString', 'valueOf', 'value'), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }),
    { minLength: 1, maxLength: 3 },
  ),
);

/** Every SearchRequest field (RFC 7644 §3.4.3), each a plausible value or any nested JSON. */
const searchRequest = fc.record(
  {
    schemas: fc.oneof(fc.constant(['urn:ietf:params:scim:api:messages:2.0:SearchRequest']), nested),
    filter: fc.oneof(filterText, nested),
    startIndex: fc.oneof(fc.integer({ min: -5, max: 200 }), nasty, nested),
    count: fc.oneof(fc.integer({ min: -5, max: 2000 }), nasty, nested),
    sortBy: fc.oneof(fc.constantFrom(...ATTRS), nested),
    sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending', 'DESC'), nested),
    attributes: fc.oneof(fc.array(fc.constantFrom(...ATTRS), { maxLength: 3 }), nested),
    excludedAttributes: fc.oneof(fc.array(fc.constantFrom(...ATTRS), { maxLength: 3 }), nested),
  },
  { requiredKeys: [] },
);

const patchBody = fc.oneof(
  jsonish,
  fc.record({
    schemas: fc.constantFrom([PATCH_OP], [], ['x']),
    Operations: fc.array(
      fc.record(
        {
          op: fc.constantFrom(...OPS),
          path: fc.option(fc.oneof(fc.constantFrom(...ATTRS), nasty), { nil: undefined }),
          value: fc.option(jsonish, { nil: undefined }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 5 },
    ),
  }),
);

const headerValue = fc.stringMatching(/^[\x20-\x7e\t]{0,80}$/);

const id = fc.oneof(
  fc.constant('5f1b2c3d4e5f6a7b8c9d0e1f'),
  fc.stringMatching(/^[0-9a-f]{24}$/),
  nasty.map((s) => enc(s)),
  nasty.map((s) => s.replace(/[/?#\s]/g, '')),
);

export function fuzzRequests(key: string): fc.Arbitrary<FuzzRequest> {
  const auth = { authorization: `Bearer ${key}` };
  const json = { ...auth, 'content-type': 'application/scim+json' };
  return fc.oneof(
    filterText.map((f) => ({ method: 'GET', path: `/Users?filter=${enc(f)}`, headers: auth })),
    filterText.map((f) => ({
      method: 'GET',
      path: `/Groups?filter=${enc(f)}&excludedAttributes=members`,
      headers: auth,
    })),
    fc
      .tuple(
        filterText,
        fc.constantFrom('startIndex', 'count', 'sortBy', 'attributes', 'excludedAttributes', 'sortOrder'),
        nasty,
      )
      .map(([f, p, v]) => ({ method: 'GET', path: `/Users?filter=${enc(f)}&${p}=${enc(v)}`, headers: auth })),
    fc
      .tuple(fc.constantFrom('Users', 'Groups'), id, patchBody)
      .map(([t, i, b]) => ({ method: 'PATCH', path: `/${t}/${i}`, headers: json, body: JSON.stringify(b) })),
    fc
      .tuple(fc.constantFrom('Users', 'Groups'), jsonish)
      .map(([t, b]) => ({ method: 'POST', path: `/${t}`, headers: json, body: JSON.stringify(b) ?? 'null' })),
    fc
      .tuple(fc.constantFrom('Users', 'Groups'), searchRequest)
      .map(([t, b]) => ({ method: 'POST', path: `/${t}/.search`, headers: json, body: JSON.stringify(b) })),
    fc
      .tuple(fc.constantFrom('Users', 'Groups'), id, jsonish)
      .map(([t, i, b]) => ({ method: 'PUT', path: `/${t}/${i}`, headers: json, body: JSON.stringify(b) ?? 'null' })),
    fc
      .tuple(
        fc.constantFrom('Users', 'Groups', 'Schemas', 'ResourceTypes', 'Users/.search', 'nope'),
        id,
        fc.constantFrom('GET', 'DELETE', 'POST', 'OPTIONS', 'HEAD'),
      )
      .map(([t, i, m]) => ({ method: m, path: `/${t}/${i}`, headers: auth })),
    fc.tuple(nasty, fc.constantFrom('POST', 'PATCH')).map(([raw, m]) => ({
      method: m,
      path: m === 'POST' ? '/Users' : '/Users/5f1b2c3d4e5f6a7b8c9d0e1f',
      headers: json,
      body: raw,
    })),
    fc
      .record({
        authorization: headerValue,
        'content-type': fc.oneof(
          headerValue,
          fc.constantFrom(
            'application/scim+json',
            'application/json; charset=latin1',
            'application/json; charset=bogus',
            'text/plain',
          ),
        ),
        'content-encoding': fc.oneof(
          fc.constant('identity'),
          fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'x'),
          headerValue,
        ),
      })
      .map((headers) => ({
        method: 'POST',
        path: '/Users',
        headers,
        body: '{"userName":"x","emails":[{"value":"x@example.com"}]}',
      })),
  );
}
