import { Redis } from 'ioredis';

/**
 * The one Redis connection a replica shares between its locks, limits and memories.
 *
 * Commands fail fast while the connection is down (no offline queue, a short command timeout): a request that
 * needs a lock must answer 503 at once rather than wait for Redis inside Entra's 60 s, and it must never be
 * queued to run later, after the request has already been answered. ioredis keeps reconnecting in the
 * background, so the replica recovers by itself when Redis comes back.
 */
export interface RedisConnection {
  readonly client: Redis;
  /** True while the connection is up (the last state change ioredis reported). */
  isReady(): boolean;
  /** A round trip within `timeoutMs`: what /readyz asks. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  commandTimeoutMs?: number;
  /** Told once per change of state, so the log shows an outage and its end, not one line per retry. */
  onStateChange?: (state: 'ready' | 'down', detail?: string) => void;
}

/** Resolves once connected, or rejects after `connectTimeoutMs` with the reason (the client keeps retrying). */
export async function connectRedis(
  url: string,
  options: RedisConnectionOptions = {},
  connectTimeoutMs = 5_000,
): Promise<RedisConnection> {
  const connection = openRedis(url, options);
  await new Promise<void>((resolve, reject) => {
    if (connection.isReady()) return resolve();
    const timer = setTimeout(() => {
      connection.client.off('ready', onReady);
      reject(new Error(`Redis at ${safeUrl(url)} did not answer within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    connection.client.once('ready', onReady);
  });
  return connection;
}

/**
 * Reports a switch to (true) or from (false) a replica-local stand-in once per change, not once per failed
 * command, so the log shows an outage and its end: what the shared cap and the shared failed-auth store both do.
 */
export function fallbackSwitch(
  onFallback?: (active: boolean, detail?: string) => void,
): (active: boolean, detail?: string) => void {
  let usingFallback = false;
  return (active, detail) => {
    if (active === usingFallback) return;
    usingFallback = active;
    onFallback?.(active, detail);
  };
}

/** The URL without its password, for logs and errors. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

export function openRedis(url: string, options: RedisConnectionOptions = {}): RedisConnection {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: 2_000,
    // Reconnect quickly at first, then every 2 s: an outage is reported by /readyz, not by giving up.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    lazyConnect: false,
  });
  let ready = false;
  client.on('ready', () => {
    if (!ready) options.onStateChange?.('ready');
    ready = true;
  });
  const down = (detail?: string): void => {
    if (ready) options.onStateChange?.('down', detail);
    ready = false;
  };
  client.on('close', () => down('connection closed'));
  // Without a listener ioredis prints every failed reconnect to stderr; the state change is logged once instead.
  client.on('error', (e: Error) => down(e.message));
  return {
    client,
    isReady: () => ready,
    async ping(timeoutMs = 1_000) {
      if (!ready) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await Promise.race([
          client.ping(),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
        ]);
        return answer === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      ready = false;
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
