import { randomBytes } from 'node:crypto';
import type { AuthConfig } from '../config.js';
import type { ProvenKeys } from '../coordination/primitives.js';
import type { OrgCredentials } from '../tenancy/org-secrets.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';

/**
 * Many orgs on one bridge in the bridge-held-key modes. A request to `/scim/v2/orgs/{orgId}` is checked against
 * that org's own secrets (or its Entra tenants) and acts with that org's key, from ORG_SECRETS_FILE; plain
 * `/scim/v2` keeps the bridge's default credentials. An org the file does not list is refused, even to a
 * caller holding the default secret (otherwise one tenant could name any org in its URL and reach it with the
 * default key), with the words a listed org uses for a wrong credential. With forwarded keys the caller's key goes to the org its URL names and JumpCloud decides.
 */
export function orgAuthenticator(
  base: Authenticator,
  cfg: AuthConfig,
  orgs: ReadonlyMap<string, OrgCredentials> | undefined,
  provenKeys: ProvenKeys,
): Authenticator {
  if (cfg.mode === 'forward') return base;
  const perOrg = new Map<string, Authenticator>();
  for (const [orgId, c] of orgs ?? []) {
    const own: AuthConfig =
      cfg.mode === 'bridge-secret'
        ? { mode: 'bridge-secret', apiKey: c.apiKey, secrets: c.bridgeSecrets }
        : { ...cfg, apiKey: c.apiKey, tenants: c.entraTenantIds };
    perOrg.set(orgId, createAuthenticator(own, provenKeys));
  }
  // An org the file does not list refuses every credential exactly as a listed org refuses a wrong one (same check,
  // same words), so the answers do not tell which orgs this bridge serves.
  const unlisted = createAuthenticator(
    cfg.mode === 'bridge-secret'
      ? { mode: 'bridge-secret', apiKey: '', secrets: [randomBytes(32).toString('hex')] }
      : { ...cfg, apiKey: '', tenants: [] },
    provenKeys,
  );
  return {
    mode: cfg.mode,
    heldSecrets: [...base.heldSecrets, ...[...perOrg.values()].flatMap((a) => a.heldSecrets)],
    async authenticate(token, orgId) {
      if (orgId === undefined) return base.authenticate(token);
      const own = perOrg.get(orgId);
      if (!own) {
        await unlisted.authenticate(token);
        throw new Error('an unlisted org accepted a credential');
      }
      const caller = await own.authenticate(token);
      return { ...caller, principal: `${caller.principal} of org ${orgId}` };
    },
  };
}
