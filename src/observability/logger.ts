import winston from 'winston';
import { redact } from './redact.js';
import type { Config } from '../config.js';

export type Logger = winston.Logger;

/** Every record goes through redaction at the logger, not at call sites, so a forgotten mask cannot leak a key. */
const scrub = winston.format((info) => {
  const { level, message, ...rest } = info;
  const clean = redact(rest);
  for (const key of Object.keys(rest)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, clean, { level, message: typeof message === 'string' ? redact(message) : message });
  return info;
});

export function createLogger(cfg: Pick<Config, 'logLevel' | 'logFormat'>, stream?: NodeJS.WritableStream): Logger {
  const format =
    cfg.logFormat === 'json'
      ? winston.format.combine(scrub(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          scrub(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.printf(({ timestamp, level, message, ...rest }) => {
            const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${extra}`;
          }),
        );
  const transport = stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console();
  return winston.createLogger({ level: cfg.logLevel, format, transports: [transport] });
}

/** A logger that drops everything; for tests and tools that only want the trace. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
