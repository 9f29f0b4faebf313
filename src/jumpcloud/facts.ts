/**
 * What JumpCloud does, as far as public evidence shows: every behaviour the bridge relies on, every rule the emulator
 * enforces and every assumption of docs/decisions.md is one named entry here, with its public source. An entry is
 * `confirmed` (JumpCloud's own specs, module, tests or help say so) or `unknown` (nothing public settles it): an
 * unknown names the `doctor` probe that settles it against the admin's own org, or says why none is needed, and,
 * where the emulator can play the other answer, the `unknowns` flip (src/emulator/modes.ts) that does.
 * test/unit/jumpcloud/facts.test.ts walks the list: one case per entry, and no emulator rule outside it.
 * The evidence behind each row: /work/shared/docs/jumpcloud-evidence.md (jumpcloud-evidence.md in the shared docs).
 */
export interface JumpCloudFact {
  name: string;
  /** What JumpCloud does (or, for an unknown, the question). */
  says: string;
  /** The public source: a URL of JumpCloud's help, spec, module or an issue. */
  source: string;
  status: 'confirmed' | 'unknown';
  /** The `doctor` check that settles it on the admin's org (its title starts with `[name]`). */
  probe?: DoctorProbe;
  /** For an unknown without a probe: why the bridge does not need the answer. */
  noProbe?: string;
  /** How the bridge copes with either answer, where it matters on Entra's path. */
  bridge?: string;
}

/** The doctor probes that settle unknowns (src/doctor): read-only ones, and `--write-check` ones. */
export type DoctorProbe =
  | 'searchForms'
  | 'organizations'
  | 'writePermission'
  | 'dottedKeyInOr'
  | 'searchOperators'
  | 'mspWithoutOrgId'
  | 'putElementIds'
  | 'duplicateUser'
  | 'groupAttributes'
  | 'emptyEmployeeIdentifier'
  | 'nameSearchCase'
  | 'danglingManager'
  | 'alternateEmailUnique'
  | 'boundUserRename'
  | 'clearWithEmptyString';

const V1 = 'https://docs.jumpcloud.com/api/1.0/index.html';
const V2 = 'https://docs.jumpcloud.com/api/2.0/index.html';
const PS = 'https://github.com/TheJumpCloud/support/tree/master/PowerShell/JumpCloud%20Module';
const SET_JCUSER = `${PS}/Public/Users/Set-JCUser.ps1`;
const SDK = 'https://github.com/TheJumpCloud/jcapi-powershell';
const KB = 'https://jumpcloud.com/support';
const NAMING = 'https://support.jumpcloud.com/support/s/article/naming-convention-for-users1';
const BEST_PRACTICES = `${KB}/best-practices-jumpcloud-api`;

export const JUMPCLOUD_FACTS: readonly JumpCloudFact[] = [
  // Users (v1 systemusers)
  {
    name: 'createRequiresUsernameAndEmail',
    says: 'POST /systemusers requires username and email',
    source: `${V1} (systemuserputpost required: [email, username])`,
    status: 'confirmed',
  },
  {
    name: 'createAnswers200',
    says: 'POST /systemusers answers 200 with the user (not 201)',
    source: `${V1} (POST /systemusers responses: '200')`,
    status: 'confirmed',
  },
  {
    name: 'emailFormat',
    says: 'whether an email without the shape name@domain is refused',
    source: `${V1} (email: string, maxLength 1024, no format)`,
    status: 'unknown',
    noProbe:
      "the bridge sends the address Entra sends (mail or the UPN); a refusal is answered as a 400 carrying JumpCloud's message",
  },
  {
    name: 'explicitStateWins',
    says: "an explicit state on create overrides the org's default for new users",
    source: `${V1} (systemuserputpost.state)`,
    status: 'confirmed',
  },
  {
    name: 'putPartialArraysWhole',
    says: 'PUT changes only the top-level fields it names; attributes, phoneNumbers and addresses are replaced whole',
    source: `${SET_JCUSER} (merges the current arrays, then PUTs them)`,
    status: 'confirmed',
  },
  {
    name: 'putStateAgreesWithSuspended',
    says: 'PUT state is ACTIVATED or SUSPENDED and must agree with suspended',
    source: `${V1} (systemuserput.state enum); ${SET_JCUSER} ("Cannot save conflicting state and suspended fields")`,
    status: 'confirmed',
  },
  {
    name: 'stagedActivation',
    says: 'a STAGED user becomes ACTIVATED through POST /systemusers/{id}/state/activate, not PUT',
    source: `${V1} (/systemusers/{id}/state/activate)`,
    status: 'confirmed',
  },
  {
    name: 'passwordPending',
    says: 'a user created ACTIVATED without a password shows as Password Pending until it sets one',
    source: `${KB}/alternate-email-for-new-users`,
    status: 'confirmed',
  },
  {
    name: 'usernameStartsWithLetter',
    says: 'a username starts with a letter and holds no spaces or "@"',
    source: NAMING,
    status: 'confirmed',
  },
  {
    name: 'usernameCharacters',
    says: 'a username holds only Unix characters: letters, digits, ".", "_", "-"',
    source: NAMING,
    status: 'confirmed',
  },
  {
    name: 'usernameLength',
    says: 'a username has at most 30 characters (Mac and Linux logins)',
    source: NAMING,
    status: 'confirmed',
  },
  {
    name: 'usernameWindowsLength',
    says: 'Windows logins take at most 20 characters: a longer username works on Mac and Linux only',
    source: NAMING,
    status: 'confirmed',
    bridge: 'stored, with a warning in the log line and the exchange',
  },
  {
    name: 'uniqueUserFields',
    says: 'username, email and employeeIdentifier are unique per organization',
    source: `${V1} ("Must be unique per user"); ${PS}/Public/Users/New-JCUser.ps1`,
    status: 'confirmed',
  },
  {
    name: 'uniquenessCase',
    says: 'whether username/email uniqueness ignores case',
    source: `${PS}/Public/Users/New-JCUser.ps1 (unique, case not stated)`,
    status: 'unknown',
    probe: 'duplicateUser',
    bridge:
      "a create or write is sent without a search first, so JumpCloud's own rule decides; its refusal is explained by a clash read that compares ignoring case. Entra's userName eq (ignoring case) finds a user before it creates one, so a create that differs only in case reaches JumpCloud only when no such user exists",
  },
  {
    name: 'duplicateIs400',
    says: 'a duplicate user is refused with 400, not 409',
    source: `${V1} ('400': User already exists or Bad Request)`,
    status: 'confirmed',
  },
  {
    name: 'duplicateUserMessage',
    says: 'the text of the duplicate-user 400 (a help article\'s slug reads "has already been registered")',
    source: `${KB}/troubleshoot-jumpcloud-admin-accounts`,
    status: 'unknown',
    probe: 'duplicateUser',
    bridge:
      'any refusal that may be a duplicate ("already exists", "has already been registered", a 409, or a 400 no failure kind places) is followed by one clash read; a holder found makes it a 409 naming the attribute and the holder, none leaves JumpCloud\'s answer. A 400 shown to be a duplicate has its words remembered for the org (in process, logged once): the same words are a duplicate even when the read no longer finds the holder',
  },
  {
    name: 'alternateEmailUnique',
    says: 'alternateEmail "must be unique across all of JumpCloud"',
    source: `${KB}/alternate-email-for-new-users`,
    status: 'confirmed',
    probe: 'alternateEmailUnique',
    bridge:
      "JumpCloud's refusal is explained by the clash read: a 409 naming alternateEmail and the user holding the address as email or alternateEmail. An unchanged alternateEmail is never re-sent, so a clash already in JumpCloud cannot block an unrelated change such as active:false",
  },
  {
    name: 'boundUserRename',
    says: 'the username cannot change while the user is bound to any resource (devices, apps, directories)',
    source: `${KB}/change-user-information-in-m365-or-google-workspace; ${KB}/troubleshoot-email-address-change-in-okta ("The username cannot be modified because the user is bound to one or more resources")`,
    status: 'confirmed',
    probe: 'boundUserRename',
    bridge:
      'by default the bridge never renames (a userName change is recorded, the username kept); with ALLOW_USERNAME_RENAME=true a PUT whose rename is refused with a 400 is sent again without it, the new userName recorded as the default mode does, and a warning quotes JumpCloud; the rest of the request applies',
  },
  {
    name: 'emailsLowercased',
    says: 'emails are converted to lowercase when a user is added',
    source: `${KB}/add-users (email: "converted to lowercase")`,
    status: 'confirmed',
    bridge: 'email case changes are not reported as drift',
  },
  {
    name: 'customAttributeNames',
    says: 'custom attribute names are fewer than 32 characters, letters and digits only',
    source: `${KB}/create-custom-user-attributes`,
    status: 'confirmed',
  },
  {
    name: 'restrictedFields',
    says: 'restrictedFields lists fields owned by AD, another SCIM source or a federated IdP; writes to them are refused or overwritten',
    source: `${V1} (systemuserreturn.restrictedFields: {field, type, id})`,
    status: 'confirmed',
    bridge:
      'an owned field is left out of the PUT with a warning naming the attribute, the field and its owner, and the rest of the request applies (decision 42)',
  },
  {
    name: 'emptyStringClears',
    says: 'a string field PUT as "" is cleared, and unset strings read as ""',
    source: `${SET_JCUSER} (clears fields by sending "")`,
    status: 'unknown',
    probe: 'clearWithEmptyString',
  },
  {
    name: 'emptyEmployeeIdentifier',
    says: 'whether employeeIdentifier "" on two users is a duplicate',
    source: `${V1} (employeeIdentifier: "Must be unique per user")`,
    status: 'unknown',
    probe: 'emptyEmployeeIdentifier',
    bridge: 'a create never sends ""; clearing an employee number sends "", which the probe tells is safe or not',
  },
  {
    name: 'managerIsUserId',
    says: 'manager holds a user _id; null clears it',
    source: `${PS}/Tests/Public/Users/Set-JCUser.Tests.ps1`,
    status: 'confirmed',
  },
  {
    name: 'managerMustExist',
    says: 'whether a manager id that is no user is refused or stored dangling',
    source: `${V1} (manager: "Relation with another systemuser")`,
    status: 'unknown',
    probe: 'danglingManager',
    bridge: 'a refused write is explained by one read of the manager; a stored dangling id reads back as written',
  },
  {
    name: 'managerNotSelf',
    says: 'whether a user may be made their own manager',
    source: `${V1} (manager: "Relation with another systemuser")`,
    status: 'unknown',
    noProbe: 'the bridge refuses a user made their own manager before any call',
  },
  {
    name: 'cascadeManager',
    says: 'DELETE with cascade_manager=null clears the manager link of direct reports (without it a manager delete is refused with 409)',
    source: `${V1} (cascade_manager); ${PS}/Tests/Public/Users/Remove-JCUser.Tests.ps1`,
    status: 'confirmed',
  },
  {
    name: 'phoneAndAddressFields',
    says: 'phone type work_fax, and address poBox and extendedAddress, are writable',
    source: `${PS}/Tests/Public/Users/Set-JCUser.Tests.ps1; ${V1} (systemuserput)`,
    status: 'confirmed',
  },
  {
    name: 'noPrimaryFlag',
    says: 'phone and address elements have no primary flag (type, number; type and the address parts)',
    source: `${V1} (systemuserput phoneNumbers and addresses items)`,
    status: 'confirmed',
    bridge: "SCIM's primary is accepted and not stored, so it does not read back",
  },
  {
    name: 'requestUnknownKeys',
    says: "whether a request key outside the spec's schema is refused or ignored",
    source: `${V1} (systemuserputpost, systemuserput)`,
    status: 'unknown',
    noProbe:
      'the bridge sends only keys of the spec: the emulator records any other as a contract violation, and the suites assert there are none',
  },
  {
    name: 'putElementIds',
    says: "whether an element's id inside a PUT's phoneNumbers/addresses is accepted, ignored or refused (JumpCloud's own module sends none)",
    source: `${SET_JCUSER} (rebuilds each phone as {type, number}); ${V1} (id only in the response schema)`,
    status: 'unknown',
    probe: 'putElementIds',
    bridge:
      "the bridge sends elements as JumpCloud's module does, without ids (every other key kept), which works under either answer",
  },
  {
    name: 'malformedId',
    says: 'whether GET, PUT or DELETE of a malformed id answers 400 or 404 (an unknown well-formed id: 404)',
    source: `${V1} (GET /systemusers/{id}: 404 not listed)`,
    status: 'unknown',
    noProbe: 'the bridge reads a 400 and a 404 to an addressed read or delete alike: no such resource',
  },
  {
    name: 'deleteLeavesGroups',
    says: "whether deleting a user also removes it from its groups' member lists",
    source: `${V1} (DELETE /systemusers/{id}); ${V2} (graph)`,
    status: 'unknown',
    noProbe: "the bridge reads members from JumpCloud's edges as they are and never writes a deleted user's edges",
  },
  // Search and paging
  {
    name: 'searchBody',
    says: 'POST /search/systemusers takes {filter: {and|or: [...]}, fields: "space separated"}; nesting is not documented',
    source: `${V1} (/search/systemusers description and sample)`,
    status: 'confirmed',
  },
  {
    name: 'regexCaseFlag',
    says: 'search accepts $regex with an inline (?i)',
    source: `${PS}/Public/Users/Get-JCUser.ps1`,
    status: 'confirmed',
  },
  {
    name: 'searchOperators',
    says: 'whether search accepts $ne, $in and $exists',
    source: `${V1} (operators not listed)`,
    status: 'unknown',
    probe: 'searchOperators',
    bridge:
      'the read-only doctor probes each form the planner uses (searchForms) and names the SCIM filters a refused one breaks',
  },
  {
    name: 'dottedKeyInOr',
    says: 'whether a dotted key into an array (attributes.value) works inside an or',
    source: `${V1} (dotted keys not documented)`,
    status: 'unknown',
    probe: 'dottedKeyInOr',
    bridge:
      "userName eq and externalId eq use it; a search with a dotted key that JumpCloud refuses is asked again without it, and if that passes the org is remembered (in process, logged once) and searched without dotted keys: those conditions are decided by the bridge, and userName eq finds a user by its username form only (a userName kept under another username is not found by eq). The read-only doctor's searchForms and the write probe tell which org this is",
  },
  {
    name: 'stringOrdering',
    says: 'whether $gt/$gte/$lt/$lte on a string field order by code unit',
    source: `${PS}/Public/Users/Get-JCUser.ps1 ($gt/$lt used on dates only)`,
    status: 'unknown',
    probe: 'searchForms',
    bridge:
      'pushed down only for case-exact attributes and re-checked by the bridge; the read-only doctor checks the operators are taken',
  },
  {
    name: 'eventuallyConsistentFilters',
    says: 'v1 list filters $ew/$co need x-eventually-consistent: true',
    source: `${V1} (GET /systemusers filter)`,
    status: 'confirmed',
  },
  {
    name: 'pageLimit',
    says: 'a page holds at most 100 (limit), skipped with skip',
    source: `${V1}; ${V2} ("Limited to 100")`,
    status: 'confirmed',
  },
  {
    name: 'sortIdWhenPaging',
    says: 'when paging with skip or a filter, sort by _id, or a scan can skip or repeat objects under concurrent writes',
    source: BEST_PRACTICES,
    status: 'confirmed',
  },
  {
    name: 'fieldsSpaceSeparated',
    says: 'v1 fields are space separated (a comma-separated list is reportedly ignored)',
    source: `${V1} (search sample "fields": "email username")`,
    status: 'confirmed',
  },
  // Keys, orgs and refusals
  {
    name: 'orgIdHeader',
    says: 'x-org-id goes on every call except GET /organizations',
    source: `${SDK} (Module.cs)`,
    status: 'confirmed',
  },
  {
    name: 'mspWithoutOrgId',
    says: 'whether an MSP key without x-org-id is refused (401, the spec) or served its default org (a third-party report)',
    source: `${V1} (401 "ID not included for multi-tenant admin")`,
    status: 'unknown',
    probe: 'mspWithoutOrgId',
    bridge: 'JUMPCLOUD_ORG_ID is required for a key that reaches more than one org, so the header is always sent',
  },
  {
    name: 'badKeyIs401',
    says: 'a wrong key is 401; a missing key is a 302 to /login',
    source: `${KB}/admin-portal-roles; ${V1} (401)`,
    status: 'confirmed',
  },
  {
    name: 'forbiddenWrite',
    says: "what a read-only administrator's write gets, and whether JumpCloud authorises before it looks the id up",
    source: `${KB}/admin-portal-roles`,
    status: 'unknown',
    probe: 'writePermission',
  },
  {
    name: 'ipBlocked',
    says: 'a 403 "your IP has been blocked due to suspected abuse" refuses every call from that address',
    source:
      'https://support.jumpcloud.com/s/article/a-jumpcloud-service-returns-403-forbidden-your-ip-has-been-blocked-due-to-suspected-abuse-2019-08-21-10-36-47',
    status: 'confirmed',
  },
  {
    name: 'tokenExpiry',
    says: 'API access can be disabled per administrator, and newer API keys can expire',
    source: BEST_PRACTICES,
    status: 'confirmed',
  },
  {
    name: 'rateLimited',
    says: 'JumpCloud throttles with 429 (Retry-After is not documented)',
    source: BEST_PRACTICES,
    status: 'confirmed',
  },
  {
    name: 'throttledNotApplied',
    says: 'a 429 refuses the call without applying it, and throttling counts per API key (and org)',
    source: BEST_PRACTICES,
    status: 'unknown',
    noProbe:
      'probing would need JumpCloud to throttle on purpose; the pacer re-sends a throttled call, a create included, and paces per key and org (decision 40)',
  },
  {
    name: 'retrySemantics',
    says: 'whether a 503 means "not applied" and a 500 repeats on retry',
    source: BEST_PRACTICES,
    status: 'unknown',
    noProbe:
      'probing would need JumpCloud to fail on purpose; the bridge retries only idempotent calls and reads back after an ambiguous write',
  },
  // Groups (v2)
  {
    name: 'v2GroupWrites',
    says: 'POST usergroups answers 201; PUT is a full update; members {op, type, id} answer 204; lists carry x-total-count',
    source: `${V2}; ${PS}/Private/Get-JCResults.ps1`,
    status: 'confirmed',
  },
  {
    name: 'groupNameRequired',
    says: 'a user group needs a non-empty name (a v2 validation error names it: nullName, invalidName)',
    source: `${V2} (UserGroupPost required: [name]; Error.status)`,
    status: 'confirmed',
  },
  {
    name: 'groupNamesUnique',
    says: 'user group names are unique, ignoring case',
    source: `${KB}/getting-started-groups`,
    status: 'confirmed',
  },
  {
    name: 'v2NameSearchCase',
    says: 'whether filter=name:search: ignores case (the help says so; the v2 spec says filter values are case sensitive)',
    source: `${V2} (filter: "case sensitive")`,
    status: 'unknown',
    probe: 'nameSearchCase',
    bridge:
      'the bridge re-checks every candidate ignoring case; until the org is known to search ignoring case, a displayName filter whose search finds nothing is answered again from every group (up to MAX_FILTER_SCAN), and a name JumpCloud refuses is looked up the same way, so "Sales" finds "sales" and a clashing create is a 409 naming it. The first telling answer (a case-differing hit, or a group only the full read found) is remembered for the org, in process, and logged once',
  },
  {
    name: 'groupCustomAttributes',
    says: "keys of a user group's attributes other than JumpCloud's own are custom attributes: inherited by every member, releasable to SAML apps, not supported on dynamic groups",
    source: `${KB}/group-inherited-user-attributes; https://github.com/TheJumpCloud/jcapi-go/issues/59`,
    status: 'confirmed',
    bridge: "nothing of the bridge's is kept there: a group's externalId lives in a marked trailer of its description",
  },
  {
    name: 'groupAttributesOpen',
    says: "whether unknown keys in a group's attributes are stored and returned",
    source: `${V2} (GraphAttributes additionalProperties: true)`,
    status: 'unknown',
    probe: 'groupAttributes',
    bridge: 'the bridge no longer writes there; it only reads the previous layout once, to migrate it',
  },
  {
    name: 'groupAsMember',
    says: 'what offering a user group id as a member of type user answers',
    source: `${V2} (members: type user)`,
    status: 'unknown',
    noProbe: 'the bridge treats any 4xx for a member id alike: one read tells a group from an unknown id',
  },
  {
    name: 'memberReAdd',
    says: 'whether re-adding a member is a 409 or a bare 204 (third parties report both)',
    source: `${V2} (POST /usergroups/{id}/members)`,
    status: 'unknown',
    noProbe: 'the bridge counts both as done',
  },
  {
    name: 'memberRemoveAbsent',
    says: 'whether removing a user that is not a member is a 404 or a bare 204 (a third party reports 404)',
    source: `${V2} (POST /usergroups/{id}/members)`,
    status: 'unknown',
    noProbe: 'the bridge counts both as done',
  },
  {
    name: 'dynamicGroupManualAdd',
    says: 'whether a dynamic group accepts a manual member add (and then recomputes it away)',
    source: `${KB}/get-started-dynamic-groups`,
    status: 'unknown',
    noProbe: 'the bridge refuses member writes to DYNAMIC_* groups itself',
  },
  {
    name: 'activateOnlyStaged',
    says: 'activating a user that is not STAGED is refused (the spec lists 400 and 409 without saying which)',
    source: `${V1} (/systemusers/{id}/state/activate)`,
    status: 'unknown',
    noProbe: 'the bridge activates STAGED users only, and a refused retry is checked by reading the user back',
  },
];
