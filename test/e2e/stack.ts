import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import { createBridge, type Bridge, type BridgeOptions } from '../../src/bridge.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createEmulator, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Exchange } from '../../src/observability/exchange.js';
import { silentLogger } from '../../src/observability/logger.js';

/** The real HTTP stack: bridge listening on loopback, in front of the emulator listening on loopback. */
export interface Stack {
  emulator: Emulator;
  running: RunningEmulator;
  bridge: Bridge;
  config: Config;
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  key: string;
  /** Base URL /scim/v2 with the bearer key; never throws on status. */
  scim: AxiosInstance;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startStack(
  env: Record<string, string> = {},
  emulator: Emulator = createEmulator(),
  options: BridgeOptions = {},
): Promise<Stack> {
  const running = await emulator.listen(0, '127.0.0.1');
  // Short retry delays keep the retry scenarios quick; the logic under test is the same.
  const config = loadConfig({
    JUMPCLOUD_URL: running.url,
    RETRY_MIN_DELAY_MS: '5',
    RETRY_MAX_DELAY_MS: '20',
    LOG_LEVEL: 'error',
    ...env,
  });
  const exchanges: Exchange[] = [];
  const bridge = createBridge(config, silentLogger(), [{ record: (e) => exchanges.push(e) }], options);
  const server = createServer(bridge.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = emulator.apiKeys[0] ?? '';
  const scim = axios.create({
    baseURL: `${origin}/scim/v2`,
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/scim+json' },
  });
  return {
    emulator,
    running,
    bridge,
    config,
    origin,
    key,
    scim,
    exchanges,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      bridge.close();
      await running.close();
    },
  };
}
