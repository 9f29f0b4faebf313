import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createBridge, type Bridge } from '../../src/bridge.js';
import { keyFingerprint } from '../../src/coordination/primitives.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';

export const KEY = 'jcTestKey0123456789abcdefABCDEF0123456789';
export const JC = 'https://console.jumpcloud.com';
/**
 * What every user search and list of the shipped mapping asks JumpCloud for (`fields`): each field a row's codec
 * reads, so no SCIM attribute depends on JumpCloud's undocumented default field list.
 */
export const USER_FIELDS =
  '_id username attributes firstname middlename lastname displayname jobTitle employeeType location suspended state email alternateEmail phoneNumbers addresses employeeIdentifier costCenter company department manager created';

export interface Harness {
  bridge: Bridge;
  base: string;
  logs: string[];
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  close(): Promise<void>;
}

/** The bridge's real HTTP stack on a loopback port, with logs captured as JSON lines. */
export async function startBridge(env: Record<string, string> = {}): Promise<Harness> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const fullEnv = { JUMPCLOUD_URL: JC, RETRY_MIN_DELAY_MS: '1', RETRY_MAX_DELAY_MS: '5', LOG_FORMAT: 'json', ...env };
  const config = loadConfig(fullEnv);
  const bridge = createBridge(config, createLogger(config, sink), [], { env: fullEnv });
  // Contract suites pin every upstream call of an operation; the one-time proof of a new key is tested on its own.
  await bridge.coordination.provenKeys.remember(keyFingerprint(KEY));
  const server: Server = bridge.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  return {
    bridge,
    base,
    logs,
    async request(method, path, body, headers = {}) {
      const res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${KEY}`,
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async close() {
      await new Promise((r) => server.close(r));
      bridge.close();
    },
  };
}

/** A JumpCloud systemuser as the API returns it. */
export function jcUser(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: '5f1b2c3d4e5f6a7b8c9d0e1f',
    username: 'bjensen',
    email: 'bjensen@example.com',
    firstname: 'Barbara',
    lastname: 'Jensen',
    displayname: 'Babs Jensen',
    state: 'ACTIVATED',
    suspended: false,
    activated: false,
    created: '2026-01-02T03:04:05.000Z',
    attributes: [{ name: 'scimExternalId', value: 'ext-1' }],
    ...over,
  };
}

/**
 * nock discipline for a contract suite: no real network but loopback, a clean slate before each test, and every
 * pinned JumpCloud call made after it. Returns a getter for the bridge started once for the suite.
 */
export function pinnedJumpCloud(env: Record<string, string> = {}): () => Harness {
  let h: Harness | undefined;
  before(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    h = await startBridge(env);
  });
  after(async () => {
    await h?.close();
    nock.enableNetConnect();
  });
  beforeEach(() => nock.cleanAll());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every pinned JumpCloud call was made').to.deep.equal([]);
  });
  return () => {
    if (!h) throw new Error('the bridge is started in before()');
    return h;
  };
}

/** The bridge's real HTTP stack in front of a fresh emulator, both on loopback, for one suite. */
export function emulatedBridge(env: Record<string, string> = {}): () => { h: Harness; emulator: Emulator } {
  const emulator = createEmulator({ apiKeys: [KEY] });
  let up: { url: string; close(): Promise<void> } | undefined;
  let h: Harness | undefined;
  before(async () => {
    up = await emulator.listen();
    h = await startBridge({ JUMPCLOUD_URL: up.url, ...env });
  });
  after(async () => {
    await h?.close();
    await up?.close();
  });
  return () => {
    if (!h) throw new Error('the bridge is started in before()');
    return { h, emulator };
  };
}

/** `emulatedBridge` with the emulator emptied before each test; `use()` returns the stack inside a test. */
export function freshEmulatedBridge(env: Record<string, string> = {}): () => { h: Harness; emulator: Emulator } {
  const stack = emulatedBridge(env);
  beforeEach(() => stack().emulator.reset());
  return stack;
}

/** Top-level keys whose values differ between two snapshots of one stored JumpCloud object. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
