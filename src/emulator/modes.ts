import type { NextFunction, Request, Response } from 'express';
import { ApiError, badRequest, isRecord } from './api-error.js';
import type { SystemUser } from './types.js';

/**
 * Behaviours of real JumpCloud orgs that differ from the emulator's default, switched on per emulator so that the
 * bridge's `doctor` and drift detection can be tested against each of them. Every mode is plain JSON, so the
 * emulator CLI and the admin API can set them too.
 */
export interface EmulatorModes {
  /**
   * Keys whose administrator has a read-only role: reads and searches work, every other write answers 403.
   * (What the real answer looks like is not documented; 403 with a message is assumed.)
   */
  readOnlyKeys?: string[];
  /**
   * A multi-tenant (MSP) administrator: `GET /api/organizations` lists these orgs, and a request without
   * `x-org-id` is refused with JumpCloud's documented `401 ID not included for multi-tenant admin`
   * (`withoutOrgId: 'defaultOrg'` instead serves the emulator's own org silently, as one third party reports).
   */
  multiTenant?: { organizations: { _id: string; displayName: string }[]; withoutOrgId?: 'reject' | 'defaultOrg' };
  /** Search expression forms this "org" refuses with 400, as a stricter or older JumpCloud backend could. */
  refuseSearch?: {
    /** e.g. ["$regex"], ["$ne"]. */
    operators?: string[];
    /** Refuse `(?i)`-style inline flags inside `$regex`. */
    inlineRegexFlags?: boolean;
    /** Refuse dotted keys into arrays, such as `attributes.value`. */
    dottedKeys?: boolean;
  };
  /**
   * Field lists: `defaults` is what a search or list returns when it names no `fields` (JumpCloud's default list is
   * undocumented); `never` are fields a search never returns, even when asked for.
   */
  searchFields?: { defaults?: string[]; never?: string[] };
  /**
   * Normalises stored values, the way JumpCloud might (lower-case e-mails, trimmed names, reformatted phones).
   * Keys are systemuser fields, or `phoneNumbers.number`.
   */
  normalise?: Record<string, Normalisation>;
  /** Every /api answer waits this long first: a steady upstream latency, for throughput simulations. */
  latencyMs?: number;
  /**
   * A token bucket per API key (and org): `perSecond` calls refill it, it holds `burst` (default: one second's
   * worth); a call finding it empty is answered 429 without being handled. JumpCloud documents 429 but no number
   * and no Retry-After; `retryAfter: true` adds one (whole seconds until the next token).
   */
  rateLimit?: { perSecond: number; burst?: number; retryAfter?: boolean };
  /**
   * The other answer to each behaviour JumpCloud does not document (the facts list's `unknown` entries). The default
   * of each is the emulator's guess; the mode flips it, so a test can show the bridge works under both answers.
   */
  unknowns?: UnknownAnswers;
}

export interface UnknownAnswers {
  /** `v2NameSearchCase`: v2 `filter=name:search:` compares case (the v2 spec's "case sensitive"). */
  nameSearchCaseSensitive?: boolean;
  /** `putElementIds`: a phone or address element sent with an `id` is refused with 400. */
  elementIdsRefused?: boolean;
  /** `duplicateUserMessage`: the message of JumpCloud's duplicate-user 400 (default names "already exists"). */
  duplicateMessage?: string;
  /** `groupAttributesOpen`: unknown keys of a user group's `attributes` are dropped instead of stored. */
  groupAttributesDropped?: boolean;
  /** `emptyEmployeeIdentifier`: `employeeIdentifier: ""` is stored, and two users with "" clash. */
  emptyEmployeeIdentifierClashes?: boolean;
  /** `managerMustExist`: a manager id that is no user is stored instead of refused. */
  danglingManagerStored?: boolean;
  /** `alternateEmailUnique`: alternateEmail is not checked for uniqueness. */
  alternateEmailNotUnique?: boolean;
  /** `boundUserRename`: the username of a user bound to resources can be changed. */
  boundRenameAllowed?: boolean;
}

const UNKNOWN_KEYS: Record<keyof UnknownAnswers, 'boolean' | 'string'> = {
  nameSearchCaseSensitive: 'boolean',
  elementIdsRefused: 'boolean',
  duplicateMessage: 'string',
  groupAttributesDropped: 'boolean',
  emptyEmployeeIdentifierClashes: 'boolean',
  danglingManagerStored: 'boolean',
  alternateEmailNotUnique: 'boolean',
  boundRenameAllowed: 'boolean',
};

/** Every flip of `unknowns`, one mode each: what the bridge's cycle test runs under. */
export const UNKNOWN_FLIPS: readonly UnknownAnswers[] = [
  { nameSearchCaseSensitive: true },
  { elementIdsRefused: true },
  { duplicateMessage: 'Bad Request: has already been registered' },
  { groupAttributesDropped: true },
  { emptyEmployeeIdentifierClashes: true },
  { danglingManagerStored: true },
  { alternateEmailNotUnique: true },
  { boundRenameAllowed: true },
];

export type Normalisation = 'lowercase' | 'trim' | 'digits';

const NORMALISE: Record<Normalisation, (value: string) => string> = {
  lowercase: (v) => v.toLowerCase(),
  trim: (v) => v.trim(),
  // Keeps a leading "+" and the digits: "+1 (555) 010-0100" → "+15550100100".
  digits: (v) => v.replace(/(?!^\+)[^\d]/g, ''),
};

/** Read-only administrators: reads and searches pass, other writes are refused. */
export function readOnlyGate(modes: () => EmulatorModes) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const keys = modes().readOnlyKeys;
    const key = req.get('x-api-key');
    const isRead = req.method === 'GET' || (req.method === 'POST' && /^\/api\/search\//.test(req.originalUrl));
    if (keys && key !== undefined && keys.includes(key) && !isRead) {
      res.status(403).json({ error: 'Forbidden', message: 'Forbidden: this administrator has read-only access' });
      return;
    }
    next();
  };
}

/** MSP keys: `x-org-id` is required (or, in `defaultOrg` mode, silently defaulted); unknown orgs are 404. */
export function multiTenantGate(modes: () => EmulatorModes, ownOrg: () => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const mode = modes().multiTenant;
    if (!mode || req.path === '/organizations') return next();
    const requested = req.get('x-org-id');
    if (requested === undefined || requested === '') {
      if (mode.withoutOrgId === 'defaultOrg') return next();
      res.status(401).json({ error: 'Unauthorized', message: 'ID not included for multi-tenant admin' });
      return;
    }
    if (requested !== ownOrg() && !mode.organizations.some((o) => o._id === requested)) {
      res.status(404).json({ message: 'Organization ID Not Found' });
      return;
    }
    next();
  };
}

/** `GET /api/organizations`: the orgs the key's administrator can reach. */
export function organizationsList(
  mode: EmulatorModes['multiTenant'],
  ownOrg: string,
): { totalCount: number; results: { _id: string; displayName: string }[] } {
  const results = mode ? mode.organizations : [{ _id: ownOrg, displayName: 'Emulated organization' }];
  return { totalCount: results.length, results };
}

/** Throws JumpCloud's 400 when the search body uses a form this org refuses. */
export function checkSearchForms(filter: unknown, refuse: EmulatorModes['refuseSearch']): void {
  if (!refuse || filter === undefined || filter === null) return;
  const lists = Array.isArray(filter) ? [filter] : isRecord(filter) ? Object.values(filter).filter(Array.isArray) : [];
  for (const expression of lists.flat()) {
    if (!isRecord(expression)) continue;
    for (const [field, condition] of Object.entries(expression)) {
      if (refuse.dottedKeys && field.includes('.')) throw badRequest(`unsupported field path "${field}"`);
      if (!isRecord(condition)) continue;
      for (const [operator, operand] of Object.entries(condition)) {
        if (refuse.operators?.includes(operator)) throw badRequest(`unsupported operator "${operator}"`);
        if (
          operator === '$regex' &&
          refuse.inlineRegexFlags &&
          typeof operand === 'string' &&
          /^\(\?[a-z]+\)/.test(operand)
        ) {
          throw badRequest(`invalid $regex "${operand}": inline flags are not supported`);
        }
      }
    }
  }
}

/** Applies the field-list modes to one returned user. `asked` is the `fields` the client named (empty: none). */
export function searchProjection(
  user: Partial<SystemUser>,
  asked: readonly string[],
  mode: EmulatorModes['searchFields'],
): Partial<SystemUser> {
  if (!mode) return user;
  const out: Record<string, unknown> = { ...user };
  if (asked.length === 0 && mode.defaults) {
    const keep = new Set(['_id', ...mode.defaults]);
    for (const key of Object.keys(out)) if (!keep.has(key)) delete out[key];
  }
  for (const key of mode.never ?? []) delete out[key];
  return out as Partial<SystemUser>;
}

/** Rewrites the stored values of a user after a write, as the configured normalisations say. */
export function normaliseStored(user: SystemUser, rules: EmulatorModes['normalise']): void {
  if (!rules) return;
  for (const [field, how] of Object.entries(rules)) {
    const fn = NORMALISE[how];
    if (field === 'phoneNumbers.number') {
      for (const phone of user.phoneNumbers)
        if (typeof phone['number'] === 'string') phone['number'] = fn(phone['number']);
      continue;
    }
    const value = user[field];
    if (typeof value === 'string') user[field] = fn(value);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The steady latency and the per-key token bucket of `latencyMs` and `rateLimit`. */
export function rateGate(modes: () => EmulatorModes) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { latencyMs, rateLimit } = modes();
    if (latencyMs) await sleep(latencyMs);
    if (!rateLimit) return next();
    const key = `${req.get('x-api-key') ?? ''} ${req.get('x-org-id') ?? ''}`;
    const burst = rateLimit.burst ?? rateLimit.perSecond;
    const now = performance.now();
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rateLimit.perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    if (rateLimit.retryAfter) res.set('Retry-After', String(Math.ceil((1 - b.tokens) / rateLimit.perSecond)));
    res.status(429).json({ message: 'Too Many Requests' });
  };
}

/** Validates modes that arrive as JSON (CLI, admin API). */
export function modesFromJson(value: unknown): EmulatorModes {
  if (!isRecord(value)) throw new ApiError(400, { message: 'modes must be a JSON object' });
  const known = new Set([
    'readOnlyKeys',
    'multiTenant',
    'refuseSearch',
    'searchFields',
    'normalise',
    'unknowns',
    'latencyMs',
    'rateLimit',
  ]);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length)
    throw new ApiError(400, { message: `unknown mode(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})` });
  for (const how of Object.values(isRecord(value.normalise) ? value.normalise : {})) {
    if (typeof how !== 'string' || !(how in NORMALISE))
      throw new ApiError(400, { message: `normalise values must be one of ${Object.keys(NORMALISE).join(', ')}` });
  }
  if (value.latencyMs !== undefined && !(typeof value.latencyMs === 'number' && value.latencyMs >= 0))
    throw new ApiError(400, { message: 'latencyMs must be a non-negative number of milliseconds' });
  const rate = value.rateLimit;
  if (rate !== undefined && !(isRecord(rate) && typeof rate.perSecond === 'number' && rate.perSecond > 0))
    throw new ApiError(400, {
      message: 'rateLimit must be {"perSecond": N} with N > 0 (optionally burst, retryAfter)',
    });
  if (value.unknowns !== undefined) {
    const unknowns = value.unknowns;
    if (!isRecord(unknowns)) throw new ApiError(400, { message: 'unknowns must be a JSON object' });
    for (const [key, v] of Object.entries(unknowns)) {
      const type = (UNKNOWN_KEYS as Record<string, string>)[key];
      if (type === undefined || typeof v !== type)
        throw new ApiError(400, {
          message: `unknowns.${key} is not a known flip (known: ${Object.entries(UNKNOWN_KEYS)
            .map(([k, t]) => `${k} (${t})`)
            .join(', ')})`,
        });
    }
  }
  return value as EmulatorModes;
}
