/**
 * The size limits a build reads packages and indexes under, as apko's flags
 * give them: a whole number of bytes, `0` for the default, `-1` for no limit.
 * "No limit" is still the largest buffer Node can hold, since this engine
 * keeps a package's sections in memory. Normalized once (the request), then
 * handed to every reader as plain numbers.
 */
import { constants as bufferConstants } from 'node:buffer';
import { PACKAGE_LIMIT_DEFAULTS, PACKAGE_LIMIT_FLAGS } from '../defaults';
import { ConfigError } from '../errors';

/** The limit names, as the request and the defaults table spell them. */
export type PackageLimitName = keyof typeof PACKAGE_LIMIT_DEFAULTS;

/** Loose limit values, as a CLI (strings) or a library user (numbers) gives them. */
export type PackageLimitsInput = Partial<Record<PackageLimitName, number | string>>;

/** Complete limits, in bytes. */
export type PackageLimits = Readonly<Record<PackageLimitName, number>>;

const UNLIMITED = bufferConstants.MAX_LENGTH;

/** The defaults, complete. */
export const DEFAULT_PACKAGE_LIMITS: PackageLimits = Object.freeze({ ...PACKAGE_LIMIT_DEFAULTS });

function limitOf(name: PackageLimitName, given: number | string | undefined): number {
  if (given === undefined || given === '') return PACKAGE_LIMIT_DEFAULTS[name];
  const text = String(given).trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < -1) {
    throw new ConfigError(`${PACKAGE_LIMIT_FLAGS[name]}: "${text}" is not a number of bytes`, {
      hint: `give a whole number of bytes, 0 for the default (${PACKAGE_LIMIT_DEFAULTS[name]}) or -1 for no limit`,
    });
  }
  const n = Number(text);
  if (n === 0) return PACKAGE_LIMIT_DEFAULTS[name];
  if (n === -1) return UNLIMITED;
  return Math.min(n, UNLIMITED);
}

/** Checks and completes loose limit values; a bad one is a ConfigError naming its flag. */
export function normalizePackageLimits(input: PackageLimitsInput = {}): PackageLimits {
  const out = {} as Record<PackageLimitName, number>;
  for (const name of Object.keys(PACKAGE_LIMIT_DEFAULTS) as PackageLimitName[]) out[name] = limitOf(name, input[name]);
  return Object.freeze(out);
}
