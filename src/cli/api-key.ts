import { readFileSync } from 'node:fs';

export class KeyError extends Error {}

/**
 * A CLI's JumpCloud key: from --key-file, else JUMPCLOUD_API_KEY. Never from the command line, where it would
 * land in shell history and in every `ps` listing.
 */
export function apiKeyFrom(keyFile: string | undefined, env: Record<string, string | undefined>): string {
  if (keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new KeyError(`--key-file ${keyFile} could not be read: ${(e as Error).message}`);
    }
    const key = text.trim();
    if (!key || /\s/.test(key)) throw new KeyError(`--key-file ${keyFile} must hold the key alone on one line`);
    return key;
  }
  const key = env.JUMPCLOUD_API_KEY?.trim();
  if (!key)
    throw new KeyError('set JUMPCLOUD_API_KEY or pass --key-file FILE (the key is never taken from the command line)');
  return key;
}
