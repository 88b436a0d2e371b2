/**
 * `npm run fuzz [-- --seed N --iterations N --target NAME]`: a longer run
 * than the test suite's, printing a summary per target and writing each
 * finding's input to fuzz/findings/<target>-<sha256>.bin for replay.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fuzzTarget } from './run';
import { TARGETS } from './targets';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<number> {
  const seed = Number(flag('seed', String(Date.now() % 2 ** 31)));
  const iterations = Number(flag('iterations', '20000'));
  const only = flag('target', '');
  const targets = TARGETS.filter((t) => only === '' || t.name === only);
  if (targets.length === 0) {
    console.error(`no fuzz target named ${only}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
    return 2;
  }
  console.log(`fuzzing ${targets.length} target(s), seed ${seed}, ${iterations} iterations each`);
  let total = 0;
  for (const t of targets) {
    const r = await fuzzTarget(t, { seed, iterations });
    console.log(`${t.name}: ${r.accepted} read, ${r.refused} refused with a typed error, ${r.findings.length} finding(s)`);
    for (const f of r.findings) {
      const dir = join(__dirname, 'findings');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${f.target}-${f.sha256.slice(0, 16)}.bin`);
      writeFileSync(file, Buffer.from(f.input, 'base64'));
      console.log(`  ${f.kind} at iteration ${f.iteration} (${file}): ${f.detail.split('\n')[0]}`);
    }
    total += r.findings.length;
  }
  return total === 0 ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
});
