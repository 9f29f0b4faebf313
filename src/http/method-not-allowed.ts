import type { RequestHandler } from 'express';
import { edgeErrors } from './edge-errors.js';
import type { ResourceRegistry } from '../resources/resource-type.js';

/** One served path: its pattern (relative to the SCIM base, any letter case) and the methods it answers. */
interface ServedPath {
  pattern: RegExp;
  methods: string[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every path the bridge serves, from the registry: what routing mounts, so the two cannot disagree. */
function servedPaths(registry: ResourceRegistry): ServedPath[] {
  const one = '/[^/]+/?$';
  const paths: ServedPath[] = [
    // The service root: a query across every resource type (RFC 7644 §3.4.2.1, §3.4.3).
    { pattern: /^\/?$/, methods: ['GET'] },
    { pattern: /^\/\.search\/?$/i, methods: ['POST'] },
    { pattern: /^\/ServiceProviderConfig\/?$/i, methods: ['GET'] },
    { pattern: /^\/ResourceTypes\/?$/i, methods: ['GET'] },
    { pattern: new RegExp(`^/ResourceTypes${one}`, 'i'), methods: ['GET'] },
    { pattern: /^\/Schemas\/?$/i, methods: ['GET'] },
    { pattern: new RegExp(`^/Schemas${one}`, 'i'), methods: ['GET'] },
  ];
  for (const type of registry.types) {
    const at = escape(type.schema.endpoint);
    // `.search` before `/{id}`: GET /Users/.search is a search path used wrongly, not a user called ".search".
    paths.push({ pattern: new RegExp(`^${at}/\\.search/?$`, 'i'), methods: ['POST'] });
    paths.push({ pattern: new RegExp(`^${at}/?$`, 'i'), methods: ['GET', 'POST'] });
    paths.push({
      pattern: new RegExp(`^${at}${one}`, 'i'),
      methods: ['GET', ...(type.replace ? ['PUT'] : []), 'PATCH', 'DELETE'],
    });
  }
  return paths;
}

/**
 * RFC 7231 §6.5.5 for SCIM paths: a method a served path does not answer gets 405 with `Allow` and a SCIM error
 * body, not the 404 that would tell a client the resource is missing. Runs before authentication: the answer says
 * nothing about the org.
 */
export function methodNotAllowed(registry: ResourceRegistry): RequestHandler {
  const paths = servedPaths(registry);
  return (req, res, next) => {
    const served = paths.find((p) => p.pattern.test(req.path));
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (!served || served.methods.includes(method)) {
      next();
      return;
    }
    res.set('Allow', served.methods.join(', '));
    next(edgeErrors.methodNotAllowed(req.method, req.path, served.methods));
  };
}
