import { badRequest } from '../scim/errors.js';
import { isRecord } from '../util/guards.js';

/**
 * JumpCloud's username rules (facts `usernameStartsWithLetter`, `usernameCharacters`, `usernameLength`,
 * `usernameWindowsLength` in src/jumpcloud/facts.ts). The username is the login name on bound devices, so a name
 * outside these rules either is refused or breaks a login later: it is stopped before any JumpCloud call.
 */
const USERNAME_MAX = 30;
/**
 * Windows logins take at most 20 characters. A username must satisfy every documented rule, so 20 is the limit unless
 * the mapping file's `usernameRule.maxLength` raises it (up to 30: Mac and Linux logins only, stored with a warning).
 */
export const WINDOWS_USERNAME_MAX = 20;
const ALLOWED = /^[A-Za-z0-9._-]*$/;
const DISALLOWED = /[^A-Za-z0-9._-]/g;

/**
 * The opt-in `usernameRule` of the mapping file: how a userName (or its part before "@" in derive mode) becomes a
 * username JumpCloud accepts. Under a rule the SCIM userName is recorded whenever it differs from the username, and
 * read back, as in derive mode.
 */
export interface UsernameRule {
  /** Put in front of a username that does not start with a letter (`"u"`: `12345678` → `u12345678`). */
  prefixLeadingDigit?: string;
  /** Replaces each character outside letters, digits, ".", "_" and "-" (`"_"`: `o'neil` → `o_neil`; `""` drops them). */
  replaceDisallowed?: string;
  /** Cut to this many characters (at most 30; 20 keeps Windows logins working). */
  maxLength?: number;
}

/** Validates the mapping file's `usernameRule`; an error message names the key and what it must be. */
export function parseUsernameRule(raw: unknown): UsernameRule | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw new Error("'usernameRule' must be an object");
  const known = ['prefixLeadingDigit', 'replaceDisallowed', 'maxLength', '$comment'];
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new Error(`'usernameRule' has unknown keys ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const rule: UsernameRule = {};
  const { prefixLeadingDigit: prefix, replaceDisallowed: replace, maxLength } = raw;
  if (prefix !== undefined) {
    if (typeof prefix !== 'string' || !/^[A-Za-z][A-Za-z0-9._-]{0,9}$/.test(prefix))
      throw new Error(
        '\'usernameRule.prefixLeadingDigit\' must be 1 to 10 username characters starting with a letter (e.g. "u")',
      );
    rule.prefixLeadingDigit = prefix;
  }
  if (replace !== undefined) {
    if (typeof replace !== 'string' || !/^[A-Za-z0-9._-]?$/.test(replace))
      throw new Error('\'usernameRule.replaceDisallowed\' must be "" or one of letters, digits, ".", "_", "-"');
    rule.replaceDisallowed = replace;
  }
  if (maxLength !== undefined) {
    if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 2 || maxLength > USERNAME_MAX)
      throw new Error(`'usernameRule.maxLength' must be a whole number from 2 to ${USERNAME_MAX}`);
    rule.maxLength = maxLength;
  }
  return rule;
}

/** The username a rule makes of a name. Steps that the rule leaves out leave the name as it is (and the check decides). */
export function applyUsernameRule(name: string, rule: UsernameRule): string {
  let out = name;
  if (rule.replaceDisallowed !== undefined) out = out.replace(DISALLOWED, rule.replaceDisallowed);
  if (rule.prefixLeadingDigit !== undefined && out !== '' && !/^[A-Za-z]/.test(out))
    out = rule.prefixLeadingDigit + out;
  if (rule.maxLength !== undefined) out = out.slice(0, rule.maxLength);
  return out;
}

/** One documented rule a username breaks, with the Entra expression (or mapping-file rule) that fixes it. */
interface Broken {
  rule: string;
  fix: string;
}

const NICK = '[mailNickname]';
const MAPPING_RULE = 'or set "usernameRule" in the mapping file';

function broken(username: string, maxLength: number): Broken | undefined {
  const derive =
    "In Entra, edit the provisioning mapping of 'userName' to use mailNickname instead of userPrincipalName" +
    ' (or start the bridge with DERIVE_USERNAME_FROM_EMAIL=true, the default, to store the part before "@").';
  if (username.includes('@')) return { rule: 'it must not contain "@"', fix: derive };
  if (/\s/.test(username)) return { rule: 'it must not contain spaces', fix: derive };
  if (!/^[A-Za-z]/.test(username))
    return {
      rule: 'it must start with a letter',
      fix: `Use an Entra attribute (or expression) that starts with a letter for 'userName', e.g. Join("", "u", ${NICK}), ${MAPPING_RULE}: {"prefixLeadingDigit": "u"}.`,
    };
  if (!ALLOWED.test(username))
    return {
      rule: 'it may contain only letters, digits, ".", "_" and "-"',
      fix: `In Entra, map 'userName' from an expression without other characters, e.g. Replace(${NICK}, , "[^A-Za-z0-9._-]", , "", , ), ${MAPPING_RULE}: {"replaceDisallowed": "_"}.`,
    };
  if (username.length > USERNAME_MAX)
    return {
      rule: `it may have at most ${USERNAME_MAX} characters (Mac and Linux logins; Windows logins take ${WINDOWS_USERNAME_MAX})`,
      fix: `In Entra, map 'userName' from a shorter expression, e.g. Left(${NICK}, ${WINDOWS_USERNAME_MAX}), ${MAPPING_RULE}: {"maxLength": ${WINDOWS_USERNAME_MAX}}.`,
    };
  if (username.length > maxLength)
    return {
      rule: `it may have at most ${WINDOWS_USERNAME_MAX} characters for Windows logins (Mac and Linux logins take ${USERNAME_MAX})`,
      fix:
        `In Entra, map 'userName' from a shorter expression, e.g. Left(${NICK}, ${WINDOWS_USERNAME_MAX}), ${MAPPING_RULE}: {"maxLength": ${WINDOWS_USERNAME_MAX}}` +
        ` (or {"maxLength": ${USERNAME_MAX}} to keep names up to ${USERNAME_MAX} characters, which Windows logins on bound devices cannot use).`,
    };
  return undefined;
}

/**
 * Refuses, before any JumpCloud call, a username JumpCloud's documented rules forbid: a 400 naming the rule, the
 * userName it came from and the fix. `maxLength` is the mapping file's `usernameRule.maxLength` when it has one.
 */
export function checkUsername(
  username: string | undefined,
  userName: string | undefined,
  maxLength: number = WINDOWS_USERNAME_MAX,
): void {
  if (username === undefined) return;
  if (username === '')
    throw badRequest('invalidValue', "'userName' is required: JumpCloud cannot store a user without a username.");
  const why = broken(username, maxLength);
  if (!why) return;
  const shown = JSON.stringify(userName ?? username);
  const made =
    userName !== undefined && userName !== username ? ` (JumpCloud username ${JSON.stringify(username)})` : '';
  throw badRequest(
    'invalidValue',
    `userName ${shown}${made} breaks JumpCloud's username rule: ${why.rule}. ${why.fix}`,
  );
}

/** A username JumpCloud accepts but a Windows login cannot use; undefined when there is nothing to warn about. */
export function windowsUsernameWarning(username: string): string | undefined {
  return username.length > WINDOWS_USERNAME_MAX
    ? `JumpCloud username ${JSON.stringify(username)} has ${username.length} characters: Mac and Linux logins take it, Windows logins take at most ${WINDOWS_USERNAME_MAX} and will fail on bound Windows devices (set "usernameRule": {"maxLength": ${WINDOWS_USERNAME_MAX}} in the mapping file, or map 'userName' from Left([mailNickname], ${WINDOWS_USERNAME_MAX}) in Entra)`
    : undefined;
}
