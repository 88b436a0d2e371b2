/**
 * The global `--log-level` as apko reads it (slog's level text: `debug`,
 * `info`, `warn`, `error`, any case, with an optional `+N`/`-N` offset;
 * default info), and the filter it puts on stderr lines. A line's level is
 * read from its prefix: `Error:`/`error:` error, `warning:` warn, `debug:` debug,
 * anything else (progress, notes) info.
 */
import { UsageError } from './args';

const NAMES: Readonly<Record<string, number>> = { DEBUG: -4, INFO: 0, WARN: 4, ERROR: 8 };

/** Parses a level as Go's `slog.Level.UnmarshalText` does. */
export function parseLogLevel(text: string): number {
  const m = /^([a-z]+)([+-]\d+)?$/i.exec(text);
  const base = m ? NAMES[m[1]!.toUpperCase()] : undefined;
  if (base === undefined) throw new UsageError(`invalid --log-level "${text}"`, 'use debug, info, warn or error');
  return base + (m![2] ? Number(m![2]) : 0);
}

/** The level of one stderr line. */
export function levelOf(line: string): number {
  if (/^error:/i.test(line)) return NAMES.ERROR!;
  if (/^warning:/i.test(line)) return NAMES.WARN!;
  if (/^debug:/i.test(line)) return NAMES.DEBUG!;
  return NAMES.INFO!;
}

/** The debug level (what `--verbose` means). */
export const DEBUG_LEVEL = NAMES.DEBUG!;

/** `write`, passing only lines at `level` or above. */
export function filterLog(level: number, write: (line: string) => void): (line: string) => void {
  return (line) => {
    if (levelOf(line) >= level) write(line);
  };
}
