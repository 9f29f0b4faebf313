import { readFileSync } from 'node:fs';
import { isOrgId } from '../jumpcloud/org-id.js';

/**
 * Per-org credentials for the bridge-held-key auth modes, from one JSON file (ORG_SECRETS_FILE):
 *
 *   { "5f1b2c3d4e5f6a7b8c9d0e1f": { "apiKey": "…", "bridgeSecret": "…", "bridgeSecretPrevious": "…",
 *                                  "entraTenantIds": ["…"] } }
 *
 * A tenant URL `/scim/v2/orgs/{orgId}` is served with that org's key only, and only to a caller presenting that
 * org's bridge secret (or an Entra token from one of that org's tenants). Secrets and tenants may not be shared
 * between orgs: a secret valid for two orgs would let one Entra tenant reach the other org's key.
 */
export interface OrgCredentials {
  orgId: string;
  apiKey: string;
  /** Current and (during rotation) previous bridge secret. */
  bridgeSecrets: string[];
  /** Entra tenants (GUIDs, lower case) whose tokens may use this org, in entra-token mode. */
  entraTenantIds: string[];
}

class OrgSecretsError extends Error {}

const MIN_SECRET = 32;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates the file's text. Errors name the org and the field, never a value. */
export function parseOrgSecrets(text: string, source = 'ORG_SECRETS_FILE'): Map<string, OrgCredentials> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new OrgSecretsError(`${source} is not valid JSON`);
  }
  if (!isRecord(raw)) throw new OrgSecretsError(`${source} must be a JSON object keyed by JumpCloud org id`);
  const out = new Map<string, OrgCredentials>();
  const secretOwner = new Map<string, string>();
  const tenantOwner = new Map<string, string>();
  for (const [index, [orgKey, entry]] of Object.entries(raw).entries()) {
    // Not echoed: a key pasted in the wrong place would land in the start-up log.
    if (!isOrgId(orgKey))
      throw new OrgSecretsError(`${source}: entry ${index + 1} is not keyed by a JumpCloud org id (24 hex characters)`);
    const orgId = orgKey.toLowerCase();
    if (out.has(orgId)) throw new OrgSecretsError(`${source}: org ${orgId} appears twice`);
    if (!isRecord(entry))
      throw new OrgSecretsError(`${source}: org ${orgId} must be an object with apiKey and bridgeSecret`);
    const apiKey = entry.apiKey;
    if (typeof apiKey !== 'string' || apiKey.trim() === '' || /\s/.test(apiKey))
      throw new OrgSecretsError(`${source}: org ${orgId} needs apiKey, a JumpCloud key without whitespace`);
    const bridgeSecrets: string[] = [];
    for (const field of ['bridgeSecret', 'bridgeSecretPrevious'] as const) {
      const s = entry[field];
      if (s === undefined) continue;
      if (typeof s !== 'string' || s.length < MIN_SECRET || !/^[\x21-\x7e]+$/.test(s)) {
        throw new OrgSecretsError(
          `${source}: org ${orgId} ${field} must be at least ${MIN_SECRET} characters of visible ASCII, without whitespace (openssl rand -hex 32)`,
        );
      }
      if (s === apiKey) throw new OrgSecretsError(`${source}: org ${orgId} ${field} must not be the JumpCloud key`);
      const other = secretOwner.get(s);
      if (other !== undefined && other !== orgId)
        throw new OrgSecretsError(
          `${source}: org ${orgId} ${field} is also a secret of org ${other}; each org needs its own`,
        );
      secretOwner.set(s, orgId);
      bridgeSecrets.push(s);
    }
    const tenantsRaw = entry.entraTenantIds ?? [];
    if (!Array.isArray(tenantsRaw) || tenantsRaw.some((t) => typeof t !== 'string' || !GUID.test(t))) {
      throw new OrgSecretsError(`${source}: org ${orgId} entraTenantIds must be a list of Entra tenant ids (GUIDs)`);
    }
    const entraTenantIds = (tenantsRaw as string[]).map((t) => t.toLowerCase());
    for (const t of entraTenantIds) {
      const other = tenantOwner.get(t);
      if (other !== undefined && other !== orgId)
        throw new OrgSecretsError(
          `${source}: Entra tenant ${t} is listed for org ${orgId} and org ${other}; a tenant may reach one org only`,
        );
      tenantOwner.set(t, orgId);
    }
    if (bridgeSecrets.length === 0 && entraTenantIds.length === 0)
      throw new OrgSecretsError(`${source}: org ${orgId} needs bridgeSecret (or entraTenantIds for entra-token mode)`);
    const unknown = Object.keys(entry).filter(
      (k) => !['apiKey', 'bridgeSecret', 'bridgeSecretPrevious', 'entraTenantIds'].includes(k),
    );
    if (unknown.length) throw new OrgSecretsError(`${source}: org ${orgId} has unknown field(s) ${unknown.join(', ')}`);
    out.set(orgId, { orgId, apiKey, bridgeSecrets, entraTenantIds });
  }
  return out;
}

/** The bridge's own credentials for plain `/scim/v2` (JUMPCLOUD_API_KEY, BRIDGE_SECRET(_PREVIOUS), ENTRA_TENANT_IDS). */
export interface DefaultCredentials {
  apiKey: string;
  bridgeSecrets: readonly string[];
  entraTenantIds: readonly string[];
}

/**
 * Refuses orgs that share a credential with the bridge's defaults: a default secret or tenant that also opens an org
 * would let one credential reach two JumpCloud orgs, and a key used as a secret (or the reverse) would put the key
 * into Entra. Errors name the org and the setting, never a value.
 */
export function checkAgainstDefaults(
  orgs: ReadonlyMap<string, OrgCredentials>,
  defaults: DefaultCredentials,
  source = 'ORG_SECRETS_FILE',
): void {
  const defaultSecrets = new Set(defaults.bridgeSecrets);
  const defaultTenants = new Set(defaults.entraTenantIds);
  for (const org of orgs.values()) {
    if (org.bridgeSecrets.some((s) => defaultSecrets.has(s)))
      throw new OrgSecretsError(
        `${source}: org ${org.orgId} has the same bridge secret as BRIDGE_SECRET (or BRIDGE_SECRET_PREVIOUS); each org needs its own, or one secret opens two orgs`,
      );
    if (org.bridgeSecrets.includes(defaults.apiKey))
      throw new OrgSecretsError(`${source}: org ${org.orgId} has JUMPCLOUD_API_KEY as its bridge secret`);
    const shared = org.entraTenantIds.find((t) => defaultTenants.has(t));
    if (shared !== undefined)
      throw new OrgSecretsError(
        `${source}: Entra tenant ${shared} is listed for org ${org.orgId} and in ENTRA_TENANT_IDS; a tenant may reach one org only`,
      );
    if (defaultSecrets.has(org.apiKey))
      throw new OrgSecretsError(
        `BRIDGE_SECRET (or BRIDGE_SECRET_PREVIOUS) is the JumpCloud key of org ${org.orgId} in ${source}: the point is that no key lives in Entra`,
      );
  }
}

export function loadOrgSecrets(file: string): Map<string, OrgCredentials> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OrgSecretsError(
      `ORG_SECRETS_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): ${file}`,
    );
  }
  return parseOrgSecrets(text);
}
