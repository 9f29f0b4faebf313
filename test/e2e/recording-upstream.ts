import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../../src/emulator/index.js';

/** One call as it reached "JumpCloud", with the raw `x-api-key` (the emulator's own record masks it). */
export interface UpstreamCall {
  method: string;
  url: string;
  apiKey: string | undefined;
}

export interface RecordingUpstream {
  url: string;
  calls: UpstreamCall[];
  /** Calls parked by `hold` that have not been let through yet. */
  readonly parked: number;
  /** Let every parked call (and every later one) through to the emulator. */
  release(): void;
  close(): Promise<void>;
}

/**
 * The emulator behind a loopback server that records each call's key and can park the calls `hold` picks until
 * `release()`: a test can then assert what happened while those calls were still in flight.
 */
export async function recordingUpstream(
  emulator: Emulator,
  hold: (call: UpstreamCall) => boolean = () => false,
): Promise<RecordingUpstream> {
  const calls: UpstreamCall[] = [];
  let released = false;
  let waiting: (() => void)[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = req.headers['x-api-key'];
    const call = { method: req.method ?? '', url: req.url ?? '', apiKey: Array.isArray(key) ? key.join(',') : key };
    calls.push(call);
    const pass = (): void => {
      emulator.app(req, res);
    };
    if (!released && hold(call)) waiting.push(pass);
    else pass();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    get parked() {
      return waiting.length;
    },
    release() {
      released = true;
      const now = waiting;
      waiting = [];
      now.forEach((pass) => pass());
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
