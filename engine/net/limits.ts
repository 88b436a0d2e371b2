/**
 * How long one HTTP request may take, decided once per request of a verb
 * (engine/image/request.ts) and handed to every client under it: the
 * deadline bounds a request whole (every try, redirect and backoff, so a
 * server that trickles a byte a second cannot hold a build), the stall
 * timeout bounds each wait for headers or for the next bytes (so a server
 * that stops answering is retried soon). Given values win over the
 * environment (APKO_NX_FETCH_TIMEOUT, APKO_NX_STALL_TIMEOUT), which wins
 * over engine/defaults.ts.
 */
import { FETCH_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { formatDuration, parseDuration } from './duration';

/** The limits every request of one run keeps. */
export interface FetchLimits {
  /** Overall deadline of one request, ms. */
  readonly deadlineMs: number;
  /** Longest wait for headers or the next body bytes, per try, ms. */
  readonly stallMs: number;
}

/** A duration as a request gives it: Go-style text (`30s`, `5m`) or milliseconds. */
export type DurationInput = string | number;

/** What the user gave, if anything. */
export interface FetchLimitsInput {
  readonly fetchTimeout?: DurationInput;
  readonly stallTimeout?: DurationInput;
}

function durationOf(value: DurationInput, what: string, flag: string): number {
  const ms = typeof value === 'number' ? (Number.isFinite(value) && value > 0 ? Math.round(value) : undefined) : parseDuration(value);
  if (ms === undefined) {
    throw new ConfigError(`${what} "${String(value)}" is not a duration`, {
      path: flag,
      hint: `give a positive duration such as 30s, 5m or 1m30s (${flag})`,
    });
  }
  return ms;
}

/** The limits for a run: given values, else the environment's, else the defaults. */
export function fetchLimitsFrom(input: FetchLimitsInput, env: Readonly<Record<string, string | undefined>>): FetchLimits {
  const pick = (given: DurationInput | undefined, name: string, flag: string, fallback: number): number => {
    if (given !== undefined) return durationOf(given, `the ${flag} value`, flag);
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return durationOf(fromEnv, name, name);
    return fallback;
  };
  return Object.freeze({
    deadlineMs: pick(input.fetchTimeout, FETCH_DEFAULTS.deadlineEnv, '--fetch-timeout', FETCH_DEFAULTS.deadlineMs),
    stallMs: pick(input.stallTimeout, FETCH_DEFAULTS.stallEnv, '--stall-timeout', FETCH_DEFAULTS.stallMs),
  });
}

/** The limits as a hint names them. */
export function describeLimits(limits: FetchLimits): string {
  return `deadline ${formatDuration(limits.deadlineMs)}, stall timeout ${formatDuration(limits.stallMs)}`;
}
