import { describe, expect, it } from 'vitest';
import { fuzzTarget } from './run';
import { TARGETS } from './targets';

/**
 * A short fuzz run with a fixed seed on every target: the same inputs every
 * time, so a failure here is reproducible with `npm run fuzz -- --seed 1
 * --target <name>`. `npm run fuzz` runs longer with other seeds.
 */
describe('fuzzing with a fixed seed', () => {
  for (const target of TARGETS) {
    it(`${target.name}: no crash, no untyped error, no broken law, no hang, bounded memory`, async () => {
      const report = await fuzzTarget(target, { seed: 1, iterations: 400 });
      expect(report.findings.map((f) => `${f.kind} at ${f.iteration}: ${f.detail}`)).toEqual([]);
      // The mutations reach both sides: some inputs are read, some are refused.
      expect(report.accepted + report.refused).toBe(400);
    });
  }
});
