import axios from 'axios';
import { expect } from 'chai';
import { startEmulator, type Harness } from './emulator-harness.js';

describe('emulator: authentication and tenancy', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startEmulator({ apiKeys: ['good-key'], orgId: 'org-one' });
  });
  afterEach(() => h.close());

  it('redirects a request without x-api-key to /login with an HTML body', async () => {
    const response = await h.anonymous.get('/api/systemusers');
    expect(response.status).to.equal(302);
    expect(response.headers['location']).to.equal('/login');
    expect(String(response.headers['content-type'])).to.match(/text\/html/);
    expect(String(response.data)).to.contain('/login');
  });

  it('serves an HTML login page at /login like the real console', async () => {
    const response = await h.anonymous.get('/login');
    expect(response.status).to.equal(200);
    expect(String(response.headers['content-type'])).to.match(/text\/html/);
  });

  it('answers 401 with the observed JSON body for an unknown key', async () => {
    const response = await h.anonymous.get('/api/v2/usergroups', { headers: { 'x-api-key': 'wrong' } });
    expect(response.status).to.equal(401);
    expect(response.data).to.deep.equal({ error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
  });

  it('accepts the configured key and exposes it', async () => {
    expect(h.emulator.apiKeys).to.deep.equal(['good-key']);
    const response = await h.api.get('/api/systemusers');
    expect(response.status).to.equal(200);
  });

  it('refuses another organization named in x-org-id but accepts its own', async () => {
    const other = await h.api.get('/api/systemusers', { headers: { 'x-org-id': 'org-two' } });
    expect(other.status).to.equal(404);
    expect(other.data).to.deep.equal({ message: 'Organization ID Not Found' });
    const own = await h.api.get('/api/systemusers', { headers: { 'x-org-id': 'org-one' } });
    expect(own.status).to.equal(200);
  });

  it('lets the /__emulator routes through without a key', async () => {
    const response = await h.anonymous.get('/__emulator/state');
    expect(response.status).to.equal(200);
    expect(response.data).to.include({ version: 1, organization: 'org-one' });
  });

  it('generates a random key when none is configured', async () => {
    const other = await startEmulator();
    try {
      const [key] = other.emulator.apiKeys;
      expect(key).to.be.a('string').with.length.greaterThan(20);
      const response = await axios.get(`${other.running.url}/api/systemusers`, {
        headers: { 'x-api-key': key ?? '' },
        validateStatus: () => true,
      });
      expect(response.status).to.equal(200);
    } finally {
      await other.close();
    }
  });
});
