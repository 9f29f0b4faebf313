import type { ExchangeNote } from './exchange.js';

/** The last drift seen, for the debug page. */
export interface DriftSeen {
  at: string;
  attribute: string;
  sent: unknown;
  stored: unknown;
}

/**
 * Counts drift warnings (JumpCloud stored a value other than the one written) since the process started, in total
 * and per attribute, whether or not METRICS is on. The debug page shows it; the Prometheus counter
 * `scim_bridge_drift_warnings_total` is fed alongside it.
 */
export class DriftCounter {
  total = 0;
  readonly byAttribute = new Map<string, number>();
  last: DriftSeen | undefined;

  /** Counts a note if it is a drift; returns whether it was. */
  record(note: ExchangeNote): boolean {
    if (note.kind !== 'drift') return false;
    const attribute = typeof note.data?.attribute === 'string' ? note.data.attribute : '(unknown)';
    this.total += 1;
    this.byAttribute.set(attribute, (this.byAttribute.get(attribute) ?? 0) + 1);
    this.last = { at: new Date().toISOString(), attribute, sent: note.data?.sent, stored: note.data?.stored };
    return true;
  }
}
