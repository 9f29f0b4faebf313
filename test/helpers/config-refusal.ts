import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The message loadConfig refuses `env` with (always a ConfigError); '' when it accepts it. */
export function configRefusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message;
  }
  return '';
}
