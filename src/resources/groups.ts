import type { Request, Response, Router, NextFunction } from 'express';
import type { ResourceSchema } from '../scim/schema.js';
import type { Scope } from './users.js';

/** What app.ts hands a resource module so it can add its routes with the shared plumbing. */
export interface RouteKit {
  query(req: Request): Record<string, unknown>;
  id(req: Request): string;
  searchBody(req: Request): Record<string, unknown>;
  sendScim(res: Response, status: number, body: unknown): void;
}
export type Route = (handler: (req: Request, res: Response, scope: Scope) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

export interface Groups {
  readonly schema: ResourceSchema;
  mount(router: Router, route: Route, kit: RouteKit): void;
}
