import express, { type RequestHandler } from 'express';
import { edgeErrors } from './edge-errors.js';
import type { Config } from '../config.js';
import { notFound } from '../scim/errors.js';
import { allSchemas, resourceTypeDoc, schemaDoc, serviceProviderConfig } from '../scim/discovery.js';
import { listResponse } from '../scim/list-response.js';
import type { ResourceRegistry } from '../resources/resource-type.js';
import { scimBaseUrl, sendScim } from './scim-response.js';

/** /ServiceProviderConfig, /ResourceTypes and /Schemas, generated from the registry. They need no key: they say nothing about the org and call nothing upstream. */
export function discoveryRoutes(
  registry: ResourceRegistry,
  config: Pick<Config, 'maxPageSize' | 'publicUrl'>,
): RequestHandler {
  const router = express.Router({ caseSensitive: false });
  router.get('/ServiceProviderConfig', (req, res) => {
    sendScim(
      res,
      200,
      serviceProviderConfig(
        { maxResults: config.maxPageSize, sort: true, etag: false, changePassword: false, bulk: false },
        scimBaseUrl(req, config),
      ),
    );
  });
  router.get('/ResourceTypes', (req, res) => {
    const docs = registry.schemas.map((r) => resourceTypeDoc(r, scimBaseUrl(req, config)));
    sendScim(res, 200, listResponse(docs, docs.length, 1));
  });
  router.get('/ResourceTypes/:id', (req, res) => {
    const type = registry.find(String(req.params.id));
    if (!type || type.schema.resourceType.toLowerCase() !== String(req.params.id).toLowerCase()) {
      throw edgeErrors.unknownResourceType(
        String(req.params.id),
        registry.describe((s) => s.resourceType),
      );
    }
    sendScim(res, 200, resourceTypeDoc(type.schema, scimBaseUrl(req, config)));
  });
  router.get('/Schemas', (req, res) => {
    const docs = allSchemas(registry.schemas).map((s) => schemaDoc(s, scimBaseUrl(req, config)));
    sendScim(res, 200, listResponse(docs, docs.length, 1));
  });
  router.get('/Schemas/:id', (req, res) => {
    const s = allSchemas(registry.schemas).find((d) => d.id.toLowerCase() === String(req.params.id).toLowerCase());
    if (!s) throw notFound(`Schema ${String(req.params.id)} not found`);
    sendScim(res, 200, schemaDoc(s, scimBaseUrl(req, config)));
  });
  // Every SCIM request passes here before authentication; one test of its path spares the resource requests a
  // walk through these five routes, a measurable cost per request.
  const discoveryPath = /^\/(ServiceProviderConfig|ResourceTypes|Schemas)(\/|$)/i;
  return (req, res, next) => {
    if (discoveryPath.test(req.path)) router(req, res, next);
    else next();
  };
}
