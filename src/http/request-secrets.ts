import type { Request, RequestHandler } from 'express';
import { holdRequestSecrets } from '../observability/redact.js';
import { locals } from './scim-response.js';

/**
 * The credentials a request carries, as sent: the Authorization header's token whatever its scheme or shape
 * (a malformed header is still somebody's key), each whitespace-separated piece of it, and a debug token.
 */
function secretsOf(req: Request): string[] {
  const out: string[] = [];
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.trim()) {
    const token = auth.trim().replace(/^\S+\s+/, '');
    out.push(token, ...token.split(/\s+/).filter(Boolean));
  }
  const debugToken = req.headers['x-debug-token'];
  if (typeof debugToken === 'string' && debugToken.trim()) out.push(debugToken.trim());
  return out;
}

/**
 * The very first middleware: whatever secret the request carries is masked in every log line, trace, debug-page
 * entry and error written while handling it, so a request that fails before authentication (bad JSON, 413,
 * 415, a bad escape) is recorded with its key masked too. The secrets are held until the answer is closed and the
 * handler has settled (a handler can outlive a client that hung up), and one turn longer, so the request log's
 * line, written on the same close, is masked too.
 */
export function requestSecrets(): RequestHandler {
  return (req, res, next) => {
    const secrets = secretsOf(req);
    res.locals.secrets = secrets;
    if (secrets.length) {
      const release = holdRequestSecrets(secrets);
      const later = (): void => void setImmediate(release);
      res.once('close', () => void Promise.resolve(locals(res).settled).then(later, later));
    }
    next();
  };
}
