import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import type { Authenticator } from '../../../src/auth/authenticator.js';
import { inProcessCoordination } from '../../../src/coordination/in-process.js';
import { authenticate } from '../../../src/http/auth.js';
import { errorTranslation } from '../../../src/http/error-translation.js';
import { requestSecrets } from '../../../src/http/request-secrets.js';
import { locals } from '../../../src/http/scim-response.js';
import type { JumpCloudConnection } from '../../../src/jumpcloud/client.js';
import { MAX_UNPROVEN_HELD, holdUnprovenSecrets, redactString } from '../../../src/observability/redact.js';
import { silentLogger } from '../../../src/observability/logger.js';

/**
 * What a client merely sends is masked in the lines about its own request, and in everybody's lines only once
 * authentication has accepted it: a flood of made-up credentials must not make every line dearer.
 */

const TOKEN = 'someClientToken-0123456789abcdef-0123';

/** An authenticator that takes any token as a forwarded key nobody has proven yet. */
const forwardLike: Authenticator = {
  mode: 'forward',
  heldSecrets: [],
  authenticate: (token) => Promise.resolve({ apiKey: token, principal: 'test', proven: false }),
};

async function serve(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('http: request secrets', () => {
  it('records the credentials for the request itself, without masking them in other lines before authentication', async () => {
    const app = express();
    app.use(requestSecrets());
    app.get('/x', (_req, res) => {
      res.json({ own: locals(res).secrets, elsewhere: redactString(`line ${TOKEN}`) });
    });
    const s = await serve(app);
    try {
      const body = (await (
        await fetch(`${s.url}/x`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as Record<string, unknown>;
      expect(body.own).to.deep.equal([TOKEN]);
      expect(body.elsewhere).to.equal(`line ${TOKEN}`);
    } finally {
      await s.close();
    }
  });

  it('masks an accepted credential in every line while the request is in flight', async () => {
    const app = express();
    app.use(requestSecrets());
    const coordination = inProcessCoordination({ upstreamConcurrency: 4, provenKeyTtlMs: 1000 });
    app.use(authenticate(forwardLike, coordination, {} as JumpCloudConnection));
    app.get('/x', (_req, res) => {
      res.json({ elsewhere: redactString(`line ${TOKEN}`) });
    });
    const s = await serve(app);
    try {
      const res = await fetch(`${s.url}/x`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await res.json()).to.deep.equal({ elsewhere: 'line ***' });
    } finally {
      await s.close();
    }
  });

  it('answers 429 with Retry-After, and sends the key nowhere, while MAX_UNPROVEN_HELD unproven keys are held', async () => {
    const held = Array.from({ length: MAX_UNPROVEN_HELD }, (_, i) => holdUnprovenSecrets([`held-unproven-${i}-000`]));
    const app = express();
    app.use(requestSecrets());
    const coordination = inProcessCoordination({ upstreamConcurrency: 4, provenKeyTtlMs: 1000 });
    app.use(authenticate(forwardLike, coordination, {} as JumpCloudConnection));
    let reached = false;
    app.get('/x', (_req, res) => {
      reached = true;
      res.json({});
    });
    app.use(errorTranslation(silentLogger()));
    const s = await serve(app);
    try {
      const res = await fetch(`${s.url}/x`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).to.equal(429);
      expect(res.headers.get('retry-after')).to.equal('1');
      expect(((await res.json()) as { detail: string }).detail).to.match(/not yet accepted/);
      expect(reached).to.equal(false);
    } finally {
      for (const r of held) r?.();
      await s.close();
    }
  });
});
