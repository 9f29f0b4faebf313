import { createHmac, randomBytes } from 'node:crypto';
import { isRecord } from './guards.js';

/** The systemuser and SCIM fields whose values are names. */
const NAME_FIELDS = new Set([
  'username',
  'firstname',
  'lastname',
  'middlename',
  'displayname',
  'userName',
  'givenName',
  'familyName',
  'middleName',
  'displayName',
]);
/**
 * Other personal fields, on either side: the job (title, department, cost centre, company), the office and postal
 * address. Their words are replaced like names.
 */
const WORD_FIELDS = new Set([
  'title',
  'jobTitle',
  'department',
  'costCenter',
  'company',
  'organization',
  'division',
  'streetAddress',
  'extendedAddress',
  'locality',
  'region',
  'country',
  'poBox',
  'formatted',
]);
/** Identifiers of a person (employee number, postal code, Entra's externalId): their words and digit runs. */
const CODE_FIELDS = new Set(['employeeNumber', 'employeeIdentifier', 'postalCode', 'externalId']);
const EMAIL_FIELDS = new Set(['email', 'alternateEmail', 'address']);
const PHONE_FIELDS = new Set(['number']);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Consistent pseudonyms within one recording. Personal values are learnt from the fields that hold them (names,
 * e-mails, phone numbers, on either side of the bridge); then every word of them is replaced wherever it appears in
 * any string: in bodies, filters, `$regex` patterns and URLs. The same word always gets the same stand-in (of the same
 * length and letter case), so a recording stays self-consistent — `userName eq "bjensen"` still finds the user whose
 * username was `bjensen` — and a change of case JumpCloud made stays visible. Digit runs in phone numbers keep their
 * length and format. A fresh salt per recording means stand-ins cannot be linked across recordings.
 */
export class Pseudonymiser {
  private readonly words = new Set<string>();
  private readonly digitRuns = new Set<string>();
  private readonly kept = new Set<string>();

  constructor(private readonly salt: Buffer = randomBytes(16)) {}

  /** Words that are not personal although they sit in personal fields (the doctor's throwaway user's name). */
  keep(text: string): void {
    for (const w of text.split(/[^\p{L}\p{N}]+/u)) if (w) this.kept.add(w.toLowerCase());
    for (const run of text.match(/\d{3,}/g) ?? []) this.kept.add(run);
  }

  /** Walks a value and learns the personal words in it (call on everything before `apply`). */
  learn(value: unknown, key?: string): void {
    if (typeof value === 'string') {
      // `meta.location` is a URL (the bridge's own path words), JumpCloud's `location` an office.
      const office = key === 'location' && !value.includes('://');
      if (key && (NAME_FIELDS.has(key) || WORD_FIELDS.has(key) || office)) this.learnWords(value);
      if (key && CODE_FIELDS.has(key)) {
        this.learnWords(value);
        this.learnPhone(value);
      }
      if ((key && EMAIL_FIELDS.has(key)) || (key === 'value' && value.includes('@'))) this.learnEmail(value);
      if (key && PHONE_FIELDS.has(key)) this.learnPhone(value);
      return;
    }
    if (Array.isArray(value)) {
      // JumpCloud's custom attributes ({name, value}): every value is the person's (externalId among them).
      if (key === 'attributes') {
        for (const a of value) if (isRecord(a) && typeof a.value === 'string') this.learn(a.value, 'externalId');
        return;
      }
      for (const v of value) this.learn(v, key === 'phoneNumbers' ? 'phoneNumbers' : key);
      return;
    }
    if (!isRecord(value)) return;
    const phoneList = key === 'phoneNumbers';
    for (const [k, v] of Object.entries(value)) this.learn(v, phoneList && k === 'value' ? 'number' : k);
  }

  private learnWords(text: string): void {
    for (const w of text.split(/[^\p{L}\p{N}]+/u))
      if (w.length >= 2 && !/^\d+$/.test(w) && !this.kept.has(w.toLowerCase())) this.words.add(w.toLowerCase());
  }

  private learnEmail(text: string): void {
    const at = text.lastIndexOf('@');
    if (at < 0) return;
    this.learnWords(text.slice(0, at));
    // The top-level domain is not personal; the labels before it are.
    this.learnWords(
      text
        .slice(at + 1)
        .split('.')
        .slice(0, -1)
        .join('.'),
    );
  }

  private learnPhone(text: string): void {
    for (const run of text.match(/\d{3,}/g) ?? []) if (!this.kept.has(run)) this.digitRuns.add(run);
  }

  private stand(word: string): string {
    const mac = createHmac('sha256', this.salt).update(word.toLowerCase()).digest();
    let out = '';
    for (let i = 0; i < Math.max(3, word.length); i += 1) out += LETTERS[(mac[i % mac.length] ?? 0) % 26];
    // Keep the letter case pattern: ALL CAPS, Capitalised or lower.
    if (word === word.toUpperCase() && /\p{Lu}/u.test(word)) return out.toUpperCase();
    if (/^\p{Lu}/u.test(word)) return out[0]?.toUpperCase() + out.slice(1);
    return out;
  }

  private digits(run: string): string {
    const mac = createHmac('sha256', this.salt).update(`#${run}`).digest();
    return [...run].map((_, i) => String((mac[i % mac.length] ?? 0) % 10)).join('');
  }

  /** One string with every learnt word and phone digit run replaced. URNs (schema names) are left alone. */
  text(s: string): string {
    if (/^urn:/i.test(s)) return s;
    let out = s.replace(/[\p{L}\p{N}]+/gu, (w) => (this.words.has(w.toLowerCase()) ? this.stand(w) : w));
    // Only free-standing digit runs (phone formatting): digits inside ids or tokens are not phone numbers.
    if (this.digitRuns.size)
      out = out.replace(/(?<![\p{L}\p{N}])\d{3,}(?![\p{L}\p{N}])/gu, (run) =>
        this.digitRuns.has(run) ? this.digits(run) : run,
      );
    return out;
  }

  /** A deep copy of a value with every string pseudonymised (object keys are not personal and stay). */
  apply<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.apply(v)) as T;
    if (!isRecord(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.apply(v)])) as T;
  }

  /** A path with its query: each query value pseudonymised and re-encoded. */
  url(pathAndQuery: string): string {
    const q = pathAndQuery.indexOf('?');
    if (q < 0) return this.text(pathAndQuery);
    const params = new URLSearchParams(pathAndQuery.slice(q + 1));
    const out = new URLSearchParams();
    for (const [k, v] of params) out.append(k, this.text(v));
    return `${pathAndQuery.slice(0, q)}?${out.toString()}`;
  }

  /**
   * Learns every compared value in a SCIM URL's filter except resource ids (`externalId eq "4711"`,
   * `title co "nurse"`): in logs a filter value is personal whatever attribute it is compared with.
   */
  learnFilterValues(pathAndQuery: string): void {
    const q = pathAndQuery.indexOf('?');
    if (q < 0) return;
    const filter = new URLSearchParams(pathAndQuery.slice(q + 1)).get('filter');
    for (const m of filter?.matchAll(
      /([\w.:]+)(?:\[[^\]]*\])?(?:\.\w+)?\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le)\s+"([^"]*)"/gi,
    ) ?? []) {
      const [, attr = '', value = ''] = m;
      if (/^(id|meta\.\w+)$/i.test(attr)) continue;
      if (value.includes('@')) this.learnEmail(value);
      else this.learnWords(value);
      this.learnPhone(value);
    }
  }

  /** Learns from the personal values in a SCIM URL's filter (`userName eq "bjensen"`). */
  learnUrl(pathAndQuery: string): void {
    const q = pathAndQuery.indexOf('?');
    if (q < 0) return;
    const filter = new URLSearchParams(pathAndQuery.slice(q + 1)).get('filter');
    for (const m of filter?.matchAll(/(\w+)(?:\.value)?\s+(?:eq|co|sw|ew)\s+"([^"]*)"/gi) ?? []) {
      const [, attr = '', value = ''] = m;
      if (/^(userName|displayName|givenName|familyName|title|department)$/i.test(attr)) this.learnWords(value);
      if (/^(externalId|employeeNumber)$/i.test(attr)) this.learn(value, 'externalId');
      if (/^emails$/i.test(attr) || value.includes('@')) this.learnEmail(value);
    }
  }
}
