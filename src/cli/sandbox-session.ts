import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config.js';
import { createBridge, type Bridge } from '../bridge.js';
import { createEmulator, type Emulator, type RunningEmulator } from '../emulator/index.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { SCIM_BASE } from '../http/scim-response.js';
import { DEBUG_PATH } from '../debug/debug-page.js';

export interface SandboxOptions {
  /** Persist the emulator's state here; in memory when absent. */
  stateFile?: string;
  /** The key the emulator accepts; a random one when absent. */
  apiKey?: string;
}

export const SANDBOX_USAGE = `Usage: npm run sandbox -- [options]

Starts a JumpCloud emulator and the bridge in front of it, on loopback, with example users.

  --state-file PATH  keep the emulator's state in this JSON file (or SANDBOX_STATE_FILE); in memory otherwise
  --key KEY          the API key the emulator accepts (default: a random one, printed)
  --help             show this text

Environment (also read from ./.env; the real environment wins): PORT (bridge port; default 8080, or the next
free port up to 8099 when 8080 is taken), HOST (default 127.0.0.1), DEBUG_PAGE (default true), TRACE_USERS,
DRY_RUN, LOG_LEVEL, LOG_FORMAT and every other bridge variable.
`;

export function parseSandboxArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): SandboxOptions | 'help' {
  const out: SandboxOptions = {};
  const fromEnv = env.SANDBOX_STATE_FILE?.trim();
  if (fromEnv) out.stateFile = fromEnv;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag ?? ''} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--state-file') out.stateFile = value();
    else if (flag === '--key') out.apiKey = value();
    else throw new Error(`unknown option ${flag ?? ''}`);
  }
  return out;
}

export interface Sandbox {
  config: Config;
  emulator: Emulator;
  bridge: Bridge;
  apiKey: string;
  /** e.g. http://localhost:8080/scim/v2: what goes in Entra's Tenant URL field. */
  tenantUrl: string;
  debugUrl: string | undefined;
  emulatorUrl: string;
  /** The default port, when it was taken and the sandbox moved to the next free one. */
  busyPort?: number;
  logger: Logger;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** How far past the default port the sandbox looks before giving up on a predictable port. */
const PORT_TRIES = 20;

const inUse = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EADDRINUSE';

/**
 * The sandbox is often started twice, or next to something else on 8080. Without an explicit PORT it takes the
 * next free port (printed in the banner); an explicit PORT is a promise to whoever set it, so it is never moved.
 */
export async function listenNearby(
  server: Server,
  port: number,
  host: string,
  explicit: boolean,
): Promise<AddressInfo> {
  if (explicit || port === 0) {
    try {
      return await listen(server, port, host);
    } catch (e) {
      if (inUse(e))
        throw new Error(
          `port ${port} on ${host} is already in use: set PORT to a free port (or leave PORT unset to take the next free one)`,
        );
      throw e;
    }
  }
  for (let candidate = port; candidate < Math.min(port + PORT_TRIES, 65_536); candidate += 1) {
    try {
      return await listen(server, candidate, host);
    } catch (e) {
      if (!inUse(e)) throw e;
    }
  }
  return listen(server, 0, host);
}

/**
 * The emulator and the bridge, wired the way production wires the bridge to JumpCloud (over HTTP,
 * through the real client), so what you try here is what Entra would get.
 */
export async function startSandbox(
  options: SandboxOptions,
  env: Record<string, string | undefined> = process.env,
  logger?: Logger,
): Promise<Sandbox> {
  const emulator = createEmulator({
    ...(options.apiKey ? { apiKeys: [options.apiKey] } : {}),
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
  });
  emulator.seedExampleUsers();
  const running: RunningEmulator = await emulator.listen(0, '127.0.0.1');
  try {
    // Loopback by default: the sandbox's debug page and its throwaway key are for this machine only.
    const config = loadConfig({
      ...env,
      JUMPCLOUD_URL: running.url,
      HOST: env.HOST?.trim() || '127.0.0.1',
      DEBUG_PAGE: env.DEBUG_PAGE?.trim() || 'true',
    });
    const log = logger ?? createLogger(config);
    const bridge = createBridge(config, log);
    const server = createServer(bridge.app);
    const address = await listenNearby(server, config.port, config.host, Boolean(env.PORT?.trim()));
    const base = `http://localhost:${address.port}`;
    let closed = false;
    return {
      config,
      emulator,
      bridge,
      apiKey: emulator.apiKeys[0] ?? '',
      tenantUrl: `${base}${SCIM_BASE}`,
      debugUrl: bridge.debug ? `${base}${DEBUG_PATH}` : undefined,
      emulatorUrl: running.url,
      ...(config.port !== 0 && address.port !== config.port ? { busyPort: config.port } : {}),
      logger: log,
      close: async () => {
        if (closed) return;
        closed = true;
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        bridge.close();
        await running.close();
      },
    };
  } catch (e) {
    await running.close();
    throw e;
  }
}

/** What the sandbox prints: enough to point Entra (or curl) at it without reading any docs. */
export function sandboxBanner(
  s: Pick<Sandbox, 'apiKey' | 'tenantUrl' | 'debugUrl' | 'emulatorUrl' | 'config' | 'busyPort'>,
  stateFile?: string,
): string {
  const example = JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'marie.curie',
    name: { givenName: 'Marie', familyName: 'Curie' },
    displayName: 'Marie Curie',
    emails: [{ value: 'marie.curie@example.com', type: 'work', primary: true }],
    active: true,
  });
  const lines = [
    '',
    'JumpCloud SCIM bridge sandbox is running.',
    '',
    `  Tenant URL:   ${s.tenantUrl}`,
    ...(s.busyPort !== undefined
      ? [`  Port:         ${new URL(s.tenantUrl).port} (port ${s.busyPort} was busy; set PORT to choose one)`]
      : []),
    `  Secret token: ${s.apiKey}`,
    `  JumpCloud:    ${s.emulatorUrl} (emulator, ${stateFile ? `state in ${stateFile}` : 'state in memory'}; example users seeded)`,
    `  Debug page:   ${s.debugUrl ? `${s.debugUrl} (loopback only; mapping at ${s.debugUrl}/mapping)` : 'off (DEBUG_PAGE=false)'}`,
    ...(s.config.dryRun ? ['  DRY_RUN:      on (writes are computed, not sent)'] : []),
    ...(s.config.traceUsers.length ? [`  Tracing:      ${s.config.traceUsers.join(', ')}`] : []),
    '',
    'Create a user:',
    `  curl -sS -X POST '${s.tenantUrl}/Users' \\`,
    `    -H 'Authorization: Bearer ${s.apiKey}' \\`,
    "    -H 'Content-Type: application/scim+json' \\",
    `    -d '${example}'`,
    '',
    'List users:',
    `  curl -sS '${s.tenantUrl}/Users?count=10' -H 'Authorization: Bearer ${s.apiKey}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}
