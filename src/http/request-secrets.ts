import type { Request, RequestHandler, Response } from 'express';
import { holdRequestSecrets, holdUnprovenSecrets } from '../observability/redact.js';
import { locals } from './scim-response.js';

/**
 * The credentials a request carries, as sent: the Authorization header's token whatever its scheme or shape
 * (a malformed header is still somebody's key), each whitespace-separated piece of it, and a debug token.
 */
function secretsOf(req: Request): string[] {
  const out: string[] = [];
  const auth = req.headers.authorization?.trim();
  if (auth) {
    // Linear scans only, and the split only when there is something to split: a header can be 16 kB of anything.
    const space = auth.search(/\s/);
    const token = space < 0 ? auth : auth.slice(space).trimStart();
    out.push(token);
    if (/\s/.test(token)) out.push(...token.split(/\s+/).filter(Boolean));
  }
  const debugToken = req.headers['x-debug-token'];
  if (typeof debugToken === 'string' && debugToken.trim()) out.push(debugToken.trim());
  return [...new Set(out)];
}

/**
 * The very first middleware: records the credentials the request carries, so everything written about this request
 * (its log line, trace, debug-page entry, error) is masked with them, even when it fails before authentication
 * (bad JSON, 413, 415, a bad escape). They are not masked in other requests' lines until authentication has
 * accepted them (holdWhileInFlight): what a client merely sends must not make every other line dearer.
 */
export function requestSecrets(): RequestHandler {
  return (req, res, next) => {
    res.locals.secrets = secretsOf(req);
    next();
  };
}

/**
 * Masks `secrets` in every line written by anyone until the request is over: its answer closed and its handler
 * settled (a handler can outlive a client that hung up), and one turn longer, so the request log's line, written on
 * the same close, is masked too. Unproven credentials are held only while fewer than MAX_UNPROVEN_HELD distinct ones
 * are; `false` means this one was not held and must not be used (also when the client is already gone, since
 * then no close would ever release it).
 */
export function holdWhileInFlight(res: Response, secrets: readonly string[], unproven: boolean): boolean {
  if (res.closed) return false;
  const release = unproven ? holdUnprovenSecrets(secrets) : holdRequestSecrets(secrets);
  if (!release) return false;
  const later = (): void => void setImmediate(release);
  res.once('close', () => void Promise.resolve(locals(res).settled).then(later, later));
  return true;
}
