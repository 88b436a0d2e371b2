/**
 * Durations as users write them for the fetch deadline and the stall
 * timeout: Go's time.ParseDuration spelling (`90s`, `5m`, `1m30s`, `500ms`,
 * `1h`), or a bare number of seconds. One parser, so the CLI flags, the
 * environment variables and the engine's request agree on what `2s` means.
 */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds for a duration text, or undefined when it is not one (or is not above zero). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const ms = Math.round(Number(t) * 1_000);
    return ms > 0 ? ms : undefined;
  }
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  ms = Math.round(ms);
  return ms > 0 ? ms : undefined;
}

/** A duration as messages show it: `2s`, `1.5s`, `5m`, `1m30s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(ms / 60_000);
  const rest = ms - minutes * 60_000;
  return rest === 0 ? `${minutes}m` : `${minutes}m${formatDuration(rest)}`;
}
