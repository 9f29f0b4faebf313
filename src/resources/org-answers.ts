import { orgKey, type RequestContext } from './resource-type.js';

/**
 * What one JumpCloud org answered to a behaviour nothing public documents (the `unknown` entries of
 * src/jumpcloud/facts.ts that sit on Entra's path), learned from its first refusal or its first telling answer.
 * Kept in process, per key and org (`RequestContext.org`): each replica learns it once, at the cost of one refused
 * call, which is cheaper than a coordination-store read on every request that depends on it, and a replica that has
 * not learned it yet still answers correctly through the fallback. Each answer is logged once, when first learned.
 */
export class OrgAnswers<K extends string> {
  private readonly orgs = new Map<string, Map<K, unknown>>();

  /** Orgs remembered at most: a key that proves an org is a real caller, but their number is still bounded. */
  static readonly MAX_ORGS = 1024;

  get<V>(ctx: RequestContext, answer: K): V | undefined {
    return this.orgs.get(orgKey(ctx))?.get(answer) as V | undefined;
  }

  /**
   * Remembers `value` for the caller's org; the note goes to the log and the exchange the first time only, as a
   * warning when the answer costs something (a fallback from now on), else as information.
   */
  learn(ctx: RequestContext, answer: K, value: unknown, message: string, level: 'warn' | 'info' = 'warn'): void {
    const org = orgKey(ctx);
    let known = this.orgs.get(org);
    if (known?.has(answer) && known.get(answer) === value) return;
    if (!known) {
      if (this.orgs.size >= OrgAnswers.MAX_ORGS) this.orgs.delete(this.orgs.keys().next().value as string);
      known = new Map();
      this.orgs.set(org, known);
    }
    known.set(answer, value);
    ctx.note?.({ level, kind: 'orgAnswerLearned', message, data: { answer, value } });
  }
}
