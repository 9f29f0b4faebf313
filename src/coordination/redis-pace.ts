import type { Redis } from 'ioredis';
import { PACE } from './pace.js';
import type { KeyPace, PaceGrant, PaceOptions, PaceState } from './primitives.js';
import { fallbackSwitch } from './redis-connection.js';

/**
 * A key's pace shared by every replica through Redis: the same rules as InProcessPace (pace.ts), in one Lua script
 * per step, on Redis's clock, so two replicas together admit the rate JumpCloud allows one key, not twice it, and
 * a 429 one replica sees pauses the other too. While Redis cannot be asked, the replica paces on its own
 * (`fallback`): calls are still spaced, only no longer across replicas.
 */

const STATE = `
local function num(v, d) if v then return tonumber(v) end return d end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'rate', 'ceiling', 'nextAt', 'pausedUntil', 'lastEvent', 'winStart', 'winCalls', 'pauses', 'throttles', 'pauseEst')
local fresh = h[6] == false
local s = {
  rate = num(h[1], nil), ceiling = num(h[2], nil), nextAt = num(h[3], 0), pausedUntil = num(h[4], 0),
  lastEvent = num(h[5], 0), winStart = num(h[6], now), winCalls = num(h[7], 0), pauses = num(h[8], 0), throttles = num(h[9], 0),
  pauseEst = num(h[10], 0)
}
if fresh and ARGV[1] ~= '' then s.rate = tonumber(ARGV[1]); s.ceiling = s.rate end
local function save()
  local fields = { 'nextAt', tostring(s.nextAt), 'pausedUntil', tostring(s.pausedUntil), 'lastEvent', tostring(s.lastEvent),
    'winStart', tostring(s.winStart), 'winCalls', tostring(s.winCalls), 'pauses', tostring(s.pauses), 'throttles', tostring(s.throttles), 'pauseEst', tostring(s.pauseEst) }
  if s.rate then table.insert(fields, 'rate'); table.insert(fields, tostring(s.rate)) end
  if s.ceiling then table.insert(fields, 'ceiling'); table.insert(fields, tostring(s.ceiling)) end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], 86400000)
end
local function answer(admitted, value)
  return { admitted, tostring(value), s.rate and tostring(s.rate) or '', tostring(math.max(0, s.pausedUntil - now)), s.pauses, s.throttles }
end
`;

/** ARGV: initialRate ('' if none), busy (1/0), increaseShare, maxRate, windowMs, minIncrease. */
const TAKE = `${STATE}
if now < s.pausedUntil then return answer(0, s.pausedUntil - now) end
if s.rate and now < s.nextAt then return answer(0, s.nextAt - now) end
if s.rate then
  s.nextAt = math.max(s.nextAt, now) + 1000 / s.rate
  local step = math.max(tonumber(ARGV[6]), tonumber(ARGV[3]) * (s.ceiling or s.rate))
  if ARGV[2] == '1' then s.rate = math.min(tonumber(ARGV[4]), s.rate + step / s.rate) end
end
if now - s.winStart > tonumber(ARGV[5]) then s.winStart = now; s.winCalls = 0 end
s.winCalls = s.winCalls + 1
save()
return answer(1, now)`;

/**
 * ARGV: initialRate, grantedAt, retryAfterMs ('' if none), decrease, minRate, minWindowMs, minSample, saturated,
 * basePauseMs, escalateWithinMs, maxPauseMs.
 */
const THROTTLED = `${STATE}
s.throttles = s.throttles + 1
s.winCalls = math.max(0, s.winCalls - 1)
local newEvent = tonumber(ARGV[2]) > s.lastEvent
if newEvent then
  if now - s.pausedUntil < tonumber(ARGV[10]) and s.pauseEst > 0 then
    s.pauseEst = math.min(tonumber(ARGV[11]), s.pauseEst * 2)
  else
    s.pauseEst = math.min(tonumber(ARGV[11]), tonumber(ARGV[9]))
  end
end
local pause = s.pauseEst
if ARGV[3] ~= '' then pause = tonumber(ARGV[3]) end
if now + pause > s.pausedUntil then
  if now >= s.pausedUntil then s.pauses = s.pauses + 1 end
  s.pausedUntil = now + pause
end
if newEvent then
  local measured = s.winCalls * 1000 / math.max(tonumber(ARGV[6]), now - s.winStart)
  local ours
  if s.rate then ours = measured >= s.rate * tonumber(ARGV[8]) else ours = s.winCalls >= tonumber(ARGV[7]) end
  if ours then
    local base = s.rate or measured
    s.ceiling = base
    s.rate = math.max(tonumber(ARGV[5]), base * tonumber(ARGV[4]))
    s.nextAt = s.pausedUntil
  end
  s.lastEvent = now
  s.winStart = s.pausedUntil
  s.winCalls = 0
end
save()
return answer(1, now)`;

export interface RedisPaceOptions extends PaceOptions {
  prefix?: string;
  /** Told once when pacing falls back to this replica alone, and once when it is shared again. */
  onFallback?: (active: boolean, detail?: string) => void;
}

type Answer = [number, string, string, string, number, number];

export class RedisPace implements KeyPace {
  private readonly prefix: string;
  private readonly fallbackActive: (active: boolean, detail?: string) => void;
  private readonly known = new Map<string, PaceState & { at: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly fallback: KeyPace,
    private readonly options: RedisPaceOptions = {},
  ) {
    this.prefix = options.prefix ?? 'scim-bridge:';
    this.fallbackActive = fallbackSwitch(options.onFallback);
  }

  private get initial(): string {
    return this.options.initialRate === undefined ? '' : String(this.options.initialRate);
  }

  private async ask(key: string, script: string, args: (string | number)[]): Promise<Answer | undefined> {
    try {
      const answer = (await this.redis.eval(script, 1, `${this.prefix}pace:${key}`, ...args)) as Answer;
      this.fallbackActive(false);
      const rate = answer[2] === '' ? undefined : Number(answer[2]);
      this.known.set(key, {
        rate,
        pausedMs: Number(answer[3]),
        pauses: Number(answer[4]),
        throttles: Number(answer[5]),
        at: Date.now(),
      });
      return answer;
    } catch (e) {
      this.fallbackActive(true, e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  async take(key: string, busy: boolean): Promise<PaceGrant> {
    const answer = await this.ask(key, TAKE, [
      this.initial,
      busy ? '1' : '0',
      PACE.increaseShare,
      this.options.initialRate ?? PACE.maxRate,
      PACE.windowMs,
      PACE.minIncrease,
    ]);
    if (!answer) return this.fallback.take(key, busy);
    return answer[0] === 1 ? { admitted: true, at: Number(answer[1]) } : { admitted: false, waitMs: Number(answer[1]) };
  }

  async throttled(key: string, grantedAt: number, retryAfterMs: number | undefined): Promise<void> {
    const answer = await this.ask(key, THROTTLED, [
      this.initial,
      grantedAt,
      retryAfterMs === undefined ? '' : retryAfterMs,
      PACE.decrease,
      PACE.minRate,
      PACE.minWindowMs,
      PACE.minSample,
      PACE.saturated,
      this.options.defaultPauseMs ?? PACE.pauseMs,
      PACE.escalateWithinMs,
      this.options.maxPauseMs ?? PACE.maxPauseMs,
    ]);
    if (!answer) await this.fallback.throttled(key, grantedAt, retryAfterMs);
  }

  forget(key: string): void {
    this.known.delete(key);
    this.fallback.forget(key);
  }

  state(key: string): PaceState {
    const k = this.known.get(key);
    if (!k) return this.fallback.state(key);
    return {
      rate: k.rate,
      pausedMs: Math.max(0, k.pausedMs - (Date.now() - k.at)),
      pauses: k.pauses,
      throttles: k.throttles,
    };
  }
}
