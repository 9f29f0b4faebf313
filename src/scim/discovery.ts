import type { ResourceSchema } from './schema.js';
import type { SchemaDef } from './attribute-def.js';

/**
 * RFC 7643 §5–7 discovery documents, generated from the resource schemas (themselves generated from the attribute
 * table), so they advertise exactly what the bridge stores and supports.
 */

export interface DiscoveryFeatures {
  maxResults: number;
  sort: boolean;
  etag: boolean;
  changePassword: boolean;
  bulk: boolean;
  documentationUri?: string;
}

export function serviceProviderConfig(f: DiscoveryFeatures, baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    ...(f.documentationUri ? { documentationUri: f.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: f.bulk, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: f.maxResults },
    changePassword: { supported: f.changePassword },
    sort: { supported: f.sort },
    etag: { supported: f.etag },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'JumpCloud API key as Bearer token',
        description:
          "Send the JumpCloud administrator API key as 'Authorization: Bearer <key>' (Entra: Secret Token). It is forwarded to JumpCloud as x-api-key and never stored.",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDoc(rs: ResourceSchema, baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: rs.resourceType,
    name: rs.resourceType,
    endpoint: rs.endpoint,
    description: rs.core.description,
    schema: rs.core.id,
    schemaExtensions: rs.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rs.resourceType}` },
  };
}

export function schemaDoc(s: SchemaDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export function allSchemas(resources: ResourceSchema[]): SchemaDef[] {
  const seen = new Map<string, SchemaDef>();
  for (const r of resources) for (const s of [r.core, ...r.extensions]) if (!seen.has(s.id)) seen.set(s.id, s);
  return [...seen.values()];
}
