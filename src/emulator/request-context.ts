import type { Request } from 'express';
import { badRequest, isRecord } from './api-error.js';
import { isRejecting, validate, type Schema } from './contract.js';
import type { EmulatorModes } from './modes.js';
import type { EmulatorStore } from './store.js';
import type { ContractViolation } from './types.js';
import { v2BadRequest } from './v2-filter.js';

/** What every route module needs: the state, the violation log and the list limits. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  readonly violations: ContractViolation[];
  readonly maxLimit: number;
  /** Real-org behaviours switched on for this emulator (see modes.ts); mutable so a test can change them. */
  modes: EmulatorModes;
}

export type ApiFlavour = 'v1' | 'v2';

/** The request path as the client sent it, whatever router it reached. */
export function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.path;
}

/** Query parameters exactly as sent (repeats and `filter[0]`-style keys intact), decoded like a form. */
export function queryParams(req: Request): URLSearchParams {
  const index = req.originalUrl.indexOf('?');
  return new URLSearchParams(index < 0 ? '' : req.originalUrl.slice(index + 1));
}

export function recordViolation(
  context: EmulatorContext,
  req: Request,
  violation: Omit<ContractViolation, 'method' | 'path'>,
): void {
  context.violations.push({ method: req.method, path: pathOf(req), ...violation });
}

/**
 * Validates a write body against its contract: every finding is recorded, and the first finding that
 * JumpCloud itself would refuse is answered with 400. Unknown properties only get recorded.
 */
export function checkBody(
  context: EmulatorContext,
  req: Request,
  schema: Schema,
  flavour: ApiFlavour,
): Record<string, unknown> {
  const body: unknown = req.body;
  // An empty body is fine where nothing is required (a PUT that changes nothing, a search with no filter).
  if (body === undefined && schema.type === 'object' && (schema.required ?? []).length === 0) return {};
  const findings = validate(schema, body ?? null);
  for (const finding of findings) recordViolation(context, req, finding);
  const rejecting = findings.find(isRejecting);
  if (rejecting) {
    const where = rejecting.pointer === '' ? 'request body' : rejecting.pointer.slice(1);
    const message = `${where} ${rejecting.message}`;
    throw flavour === 'v1' ? badRequest(message) : v2BadRequest(message);
  }
  if (!isRecord(body))
    throw flavour === 'v1'
      ? badRequest('request body must be a JSON object')
      : v2BadRequest('request body must be a JSON object');
  return body;
}

export interface Paging {
  limit: number;
  skip: number;
}

export function parsePaging(params: URLSearchParams, maxLimit: number, flavour: ApiFlavour): Paging {
  return {
    limit: parseCount(params.get('limit'), 'limit', 10, maxLimit, flavour),
    skip: parseCount(params.get('skip'), 'skip', 0, Number.MAX_SAFE_INTEGER, flavour),
  };
}

function parseCount(raw: string | null, name: string, fallback: number, max: number, flavour: ApiFlavour): number {
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    const message =
      max === Number.MAX_SAFE_INTEGER
        ? `${name} must be a non-negative integer`
        : `${name} must be an integer between 0 and ${max}`;
    throw flavour === 'v1' ? badRequest(message) : v2BadRequest(message);
  }
  return value;
}

/** Splits a v1 (space) or v2 (comma) list parameter such as `fields` or `sort`. */
export function listParam(raw: string | null | undefined, separator: ' ' | ','): string[] {
  if (!raw) return [];
  return raw
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function page<T>(items: readonly T[], paging: Paging): T[] {
  return items.slice(paging.skip, paging.skip + paging.limit);
}
