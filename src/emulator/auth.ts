import type { NextFunction, Request, Response } from 'express';

const LOGIN_REDIRECT_HTML =
  '<!DOCTYPE html><html><head><title>Redirecting</title></head><body>Found. Redirecting to <a href="/login">/login</a></body></html>';

export const LOGIN_PAGE_HTML =
  '<!DOCTYPE html><html><head><title>JumpCloud Login (emulator)</title></head><body><h1>Log in</h1><p>This is the JumpCloud emulator. API clients must send an x-api-key header.</p></body></html>';

/**
 * JumpCloud's API-key gate, quirks included: a missing key is treated like a browser without a
 * session (302 to the login page, HTML body), and only a wrong key gets a JSON 401.
 */
export function apiKeyGate(keys: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.get('x-api-key');
    if (key === undefined || key === '') {
      res.status(302).location('/login').type('html').send(LOGIN_REDIRECT_HTML);
      return;
    }
    if (!keys.includes(key)) {
      res.status(401).json({ error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
      return;
    }
    next();
  };
}

/** With an org configured, a request for any other org is refused the way a multi-tenant key would be. */
export function orgGate(orgId: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requested = req.get('x-org-id');
    if (orgId !== undefined && requested !== undefined && requested !== '' && requested !== orgId) {
      res.status(404).json({ message: 'Organization ID Not Found' });
      return;
    }
    next();
  };
}
