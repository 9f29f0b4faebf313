import { randomBytes } from 'node:crypto';

/** The emulator stores ids as JumpCloud returns them: lowercase hex. */
const STORED_ID = /^[0-9a-f]{24}$/;

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && STORED_ID.test(value);
}

/**
 * Mongo-style ids (4-byte seconds, 5 random bytes, 3-byte counter) that are also strictly increasing,
 * so "sort by _id" and "insertion order" agree the way they do on JumpCloud, even across a restart
 * that reloads a state file written in the same second.
 */
export class ObjectIdFactory {
  private readonly machine = randomBytes(5).toString('hex');
  private last = '';

  observe(existingId: string): void {
    if (existingId > this.last) this.last = existingId;
  }

  next(): string {
    const seconds = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    const counter = randomBytes(3).toString('hex');
    let id = `${seconds}${this.machine}${counter}`;
    if (id <= this.last) id = increment(this.last);
    this.last = id;
    return id;
  }
}

function increment(hex: string): string {
  const next = (BigInt(`0x${hex}`) + 1n).toString(16).padStart(24, '0');
  return next.slice(-24);
}
