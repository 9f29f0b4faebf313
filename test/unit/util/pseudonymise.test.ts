import { expect } from 'chai';
import { Pseudonymiser } from '../../../src/util/pseudonymise.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Every personal field, as Entra sends it and as JumpCloud stores it. */
const scimUser = {
  userName: 'bjensen@contoso.example',
  externalId: 'E-90210-zq',
  title: 'Astronaut',
  addresses: [
    { type: 'work', streetAddress: 'Lindenallee 7', locality: 'Quedlinburg', region: 'Saxony', postalCode: '06484' },
  ],
  [ENTERPRISE]: {
    department: 'Cartography',
    costCenter: 'CC-Zephyr',
    organization: 'Globex',
    employeeNumber: '771234',
  },
};
const systemUser = {
  username: 'bjensen',
  jobTitle: 'Astronaut',
  department: 'Cartography',
  costCenter: 'CC-Zephyr',
  company: 'Globex',
  employeeIdentifier: '771234',
  location: 'Harbourview',
  addresses: [{ type: 'work', streetAddress: 'Lindenallee 7', locality: 'Quedlinburg', postalCode: '06484' }],
  attributes: [
    { name: 'scimExternalId', value: 'E-90210-zq' },
    { name: 'favouriteColour', value: 'Vermilion' },
  ],
};
const PERSONAL = [
  'Astronaut',
  'Lindenallee',
  'Quedlinburg',
  'Saxony',
  '06484',
  'Cartography',
  'Zephyr',
  'Globex',
  '771234',
  '90210',
  'Harbourview',
  'Vermilion',
];

describe('recording/pseudonymise: every personal field', () => {
  it('replaces addresses, title, department, cost centre, company, employee number, externalId and custom attribute values', () => {
    const p = new Pseudonymiser(Buffer.alloc(16, 1));
    p.learn(scimUser);
    p.learn(systemUser);
    const text = JSON.stringify([p.apply(scimUser), p.apply(systemUser)]);
    for (const personal of PERSONAL) expect(text, personal).not.to.include(personal);
    // Keys, types and schema names are not personal and stay.
    expect(text).to.include('"streetAddress"').and.include('"type":"work"').and.include(ENTERPRISE);
    expect(text).to.include('"name":"scimExternalId"');
  });
  it('replaces an externalId named in a filter the same way as in the bodies', () => {
    const p = new Pseudonymiser(Buffer.alloc(16, 2));
    p.learnUrl('/Users?filter=externalId%20eq%20%22E-90210-zq%22');
    const url = p.url('/Users?filter=externalId%20eq%20%22E-90210-zq%22');
    expect(url).not.to.include('90210');
    expect(p.apply({ externalId: 'E-90210-zq' }).externalId).to.equal(
      decodeURIComponent(url.split('=')[1]?.replace(/\+/g, ' ') ?? '').match(/"(.*)"/)?.[1],
    );
  });
});
