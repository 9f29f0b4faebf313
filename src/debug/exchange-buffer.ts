import type { Exchange, ExchangeSink } from '../observability/exchange.js';
import { redact } from '../observability/redact.js';

/** An exchange as the debug page keeps it: numbered, so a live view can ask for "everything after N". */
export interface BufferedExchange extends Exchange {
  seq: number;
}

/** Bodies bigger than this are replaced by a note: a few 200-user list pages must not pin megabytes per slot. */
export const MAX_BODY_CHARS = 64 * 1024;

/**
 * Paths whose exchanges are not worth keeping: the page's own polling would otherwise flush real traffic.
 * Other non-SCIM paths are kept on purpose: a Tenant URL without /scim/v2 shows up here as a 404.
 */
const IGNORED = /^\/(debug|healthz|favicon\.ico)(?:[/?#]|$)/i;

function bounded(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= MAX_BODY_CHARS) return value;
  return `(body of ${text.length} characters not kept; the debug page keeps at most ${MAX_BODY_CHARS})`;
}

/**
 * The debug page's memory: the last `capacity` exchanges, oldest dropped first.
 * app.ts has already scrubbed each exchange; this scrubs again with the secrets it knows (the debug token),
 * because the page is the one place that shows bodies verbatim.
 */
export class ExchangeBuffer implements ExchangeSink {
  private readonly items: BufferedExchange[] = [];
  private seq = 0;

  constructor(
    readonly capacity: number,
    private readonly secrets: readonly string[] = [],
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
  }

  wants(url: string): boolean {
    return !IGNORED.test(url);
  }

  record(exchange: Exchange): void {
    if (!this.wants(exchange.url)) return;
    const clean = redact(exchange, this.secrets);
    this.seq += 1;
    const kept: BufferedExchange = {
      ...clean,
      seq: this.seq,
      ...(clean.requestBody !== undefined ? { requestBody: bounded(clean.requestBody) } : {}),
      ...(clean.responseBody !== undefined ? { responseBody: bounded(clean.responseBody) } : {}),
      upstream: clean.upstream.map((c) => ({
        ...c,
        ...(c.requestBody !== undefined ? { requestBody: bounded(c.requestBody) } : {}),
        ...(c.responseBody !== undefined ? { responseBody: bounded(c.responseBody) } : {}),
      })),
    };
    this.items.push(kept);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Newest first; with `after`, only exchanges recorded after that sequence number. */
  list(after = 0): BufferedExchange[] {
    return this.items.filter((e) => e.seq > after).reverse();
  }

  /** One exchange by its sequence number, while it is still in the buffer. */
  get(seq: number): BufferedExchange | undefined {
    return this.items.find((e) => e.seq === seq);
  }

  get size(): number {
    return this.items.length;
  }

  /** The highest sequence number handed out so far (0 before the first exchange). */
  get last(): number {
    return this.seq;
  }

  clear(): void {
    this.items.length = 0;
  }
}
