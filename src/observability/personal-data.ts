import { randomBytes } from 'node:crypto';
import { Pseudonymiser } from '../util/pseudonymise.js';

/**
 * LOG_PERSONAL_DATA=false: userNames, names, e-mails, phone numbers and filter values in log lines become stand-ins.
 * The recorder's HMAC pseudonymiser does the replacing, keyed once per process (or by LOG_PSEUDONYM_KEY, the same on
 * every replica), so one person has the same stand-in in every line: a log still shows that the create, the PATCH
 * and the failing filter were about the same user, without saying who.
 */
export class LogPseudonyms {
  private readonly key: Buffer;

  constructor(key: string | undefined) {
    this.key = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  }

  /** A pseudonymiser that knows the personal values of one exchange: its URL's filter, bodies and upstream calls. */
  forExchange(url: string, ...values: unknown[]): Pseudonymiser {
    const p = new Pseudonymiser(this.key);
    p.learnUrl(url);
    p.learnFilterValues(url);
    for (const v of values) p.learn(v);
    return p;
  }
}
