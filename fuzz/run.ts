/**
 * Runs fuzz targets for a number of iterations from a seed and reports every
 * finding: an exception that is not one of the engine's typed errors, a
 * typed error whose message says `undefined` or `NaN`, a broken property, a
 * call slower than the time limit (a hang the loop can see once it ends),
 * or a process that grew past the memory limit. Inputs are capped in size so
 * the run itself stays bounded.
 */
import { createHash } from 'node:crypto';
import { ApkoError } from '../engine/errors';
import { Random } from './random';
import { PropertyFailure, type FuzzTarget } from './targets';

/** One thing a run found. */
export interface Finding {
  readonly target: string;
  readonly iteration: number;
  readonly kind: 'crash' | 'message' | 'property' | 'slow' | 'memory';
  readonly detail: string;
  /** The input, base64, to replay. */
  readonly input: string;
  readonly sha256: string;
}

/** How long and how hard to fuzz. */
export interface FuzzOptions {
  readonly seed: number;
  readonly iterations: number;
  /** A call taking longer than this is a finding (default 2000 ms). */
  readonly slowMs?: number;
  /** Resident set size beyond this is a finding (default 1 GiB). */
  readonly maxRssBytes?: number;
  /** Inputs longer than this are cut (default 512 KiB). */
  readonly maxInputBytes?: number;
}

/** What a run of one target did. */
export interface TargetReport {
  readonly target: string;
  readonly iterations: number;
  /** Calls that returned, and calls that threw one of the engine's typed errors. */
  readonly accepted: number;
  readonly refused: number;
  readonly findings: readonly Finding[];
}

const BAD_WORDS = /\bundefined\b|\bNaN\b|\[object Object\]/;

/** True when a message says `undefined` or `NaN` itself, not inside a quoted copy of the input. */
function saysNonsense(text: string | undefined): boolean {
  return text !== undefined && BAD_WORDS.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}

/** Fuzzes one target. The same options give the same inputs and the same report. */
export async function fuzzTarget(target: FuzzTarget, opts: FuzzOptions): Promise<TargetReport> {
  const rng = new Random(opts.seed ^ hashName(target.name));
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
  const slowMs = opts.slowMs ?? 2000;
  const maxRss = opts.maxRssBytes ?? 1024 ** 3;
  const maxInput = opts.maxInputBytes ?? 512 * 1024;
  const findings: Finding[] = [];
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < opts.iterations; i++) {
    let input = target.generate(seeds, rng);
    if (input.length > maxInput) input = input.subarray(0, maxInput);
    const found = (kind: Finding['kind'], detail: string) =>
      findings.push({ target: target.name, iteration: i, kind, detail, input: input.toString('base64'), sha256: createHash('sha256').update(input).digest('hex') });
    const started = performance.now();
    try {
      await target.run(input);
      accepted++;
    } catch (e) {
      if (e instanceof PropertyFailure) found('property', e.message);
      else if (!(e instanceof ApkoError)) found('crash', describe(e));
      else if (saysNonsense(e.message) || saysNonsense(e.hint)) found('message', e.message);
      else refused++;
    }
    const took = performance.now() - started;
    if (took > slowMs) found('slow', `${Math.round(took)} ms`);
    const rss = process.memoryUsage.rss();
    if (rss > maxRss) found('memory', `${Math.round(rss / 1024 / 1024)} MiB resident`);
  }
  return { target: target.name, iterations: opts.iterations, accepted, refused, findings };
}

function hashName(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0);
}
