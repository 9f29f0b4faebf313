import axios, { type AxiosInstance } from 'axios';
import { createEmulator, type Emulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

export interface Harness {
  emulator: Emulator;
  running: RunningEmulator;
  /** Sends the valid key and JSON headers; never throws on HTTP status and never follows redirects. */
  api: AxiosInstance;
  /** Same base URL with no key at all. */
  anonymous: AxiosInstance;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = createEmulator(options);
  const running = await emulator.listen();
  const base = { baseURL: running.url, validateStatus: () => true, maxRedirects: 0 };
  const api = axios.create({
    ...base,
    headers: { 'x-api-key': emulator.apiKeys[0] ?? '', 'Content-Type': 'application/json' },
  });
  const anonymous = axios.create(base);
  return { emulator, running, api, anonymous, close: () => running.close() };
}

export interface CreatedUser {
  _id: string;
  username: string;
  email: string;
  [key: string]: unknown;
}

/** Creates a user over HTTP and fails loudly when the emulator refuses it. */
export async function createUser(api: AxiosInstance, body: Record<string, unknown>): Promise<CreatedUser> {
  const response = await api.post<CreatedUser>('/api/systemusers', body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.data)}`);
  return response.data;
}

export async function createGroup(
  api: AxiosInstance,
  body: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
  const response = await api.post<{ id: string; name: string }>('/api/v2/usergroups', body);
  if (response.status !== 201)
    throw new Error(`group create failed: ${response.status} ${JSON.stringify(response.data)}`);
  return response.data;
}
