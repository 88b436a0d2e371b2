import { describe, expect, it } from 'vitest';
import { FETCH_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { formatDuration, parseDuration } from './duration';
import { fetchLimitsFrom } from './limits';

describe('parseDuration', () => {
  it.each([
    ['2s', 2_000],
    ['500ms', 500],
    ['5m', 300_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
    ['30', 30_000],
  ])('reads %s as %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '0', '0s', '-1s', '5 m', 's', '1d'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it('shows durations as they are written', () => {
    expect([250, 2_000, 1_500, 300_000, 90_000].map(formatDuration)).toEqual(['250ms', '2s', '1.5s', '5m', '1m30s']);
  });
});

describe('fetchLimitsFrom', () => {
  it('takes given values over the environment, and the environment over the defaults', () => {
    const env = { APKO_NX_FETCH_TIMEOUT: '1m', APKO_NX_STALL_TIMEOUT: '5s' };
    expect(fetchLimitsFrom({}, {})).toEqual({ deadlineMs: FETCH_DEFAULTS.deadlineMs, stallMs: FETCH_DEFAULTS.stallMs });
    expect(fetchLimitsFrom({}, env)).toEqual({ deadlineMs: 60_000, stallMs: 5_000 });
    expect(fetchLimitsFrom({ fetchTimeout: '2s', stallTimeout: 750 }, env)).toEqual({ deadlineMs: 2_000, stallMs: 750 });
  });

  it('refuses a value that is not a duration, naming the flag or the variable', () => {
    expect(() => fetchLimitsFrom({ fetchTimeout: 'soon' }, {})).toThrow(ConfigError)
    expect(() => fetchLimitsFrom({ fetchTimeout: 'soon' }, {})).toThrow('the --fetch-timeout value "soon" is not a duration');
    expect(() => fetchLimitsFrom({}, { APKO_NX_STALL_TIMEOUT: '-3s' })).toThrow(/APKO_NX_STALL_TIMEOUT "-3s" is not a duration/);
  });
});
