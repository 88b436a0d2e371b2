import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Flags `nx generate` (and `nx add`, which runs init) takes for itself
 * before a generator sees its options: nx's generate command object
 * (command-line/generate/command-object.ts: dryRun/-d, interactive, quiet,
 * withVerbose) and the top-level yargs (help/-h, version/-v), plus the
 * task-runner flags users carry over from `nx run`. A generator option of
 * the same name is shadowed by Nx, so `--version=2.0.0` would print Nx's
 * version instead of reaching the generator.
 */
const NX_GLOBAL_FLAGS = [
  'dry-run', 'd', 'verbose', 'interactive', 'no-interactive', 'quiet', 'help', 'h', 'version', 'v',
  'skip-nx-cache', 'disable-nx-cache', 'skip-remote-cache', 'skip-sync', 'tui', 'graph', 'nx-bail', 'parallel', 'configuration', 'c',
];
const normal = (flag: string) => flag.replace(/-/g, '').toLowerCase();
const TAKEN = new Set(NX_GLOBAL_FLAGS.map(normal));

const ROOT = join(__dirname, '..');
const collection = JSON.parse(readFileSync(join(ROOT, 'generators.json'), 'utf8')) as { generators: Record<string, { schema: string }> };

describe('generator schemas', () => {
  it('lists every generator', () => {
    expect(Object.keys(collection.generators).sort()).toEqual(['image', 'init', 'package']);
  });

  it.each(Object.entries(collection.generators))('%s has no option or alias that Nx takes for itself', (_name, entry) => {
    const schema = JSON.parse(readFileSync(join(ROOT, entry.schema), 'utf8')) as { properties: Record<string, { alias?: string; aliases?: string[] }> };
    const flags = Object.entries(schema.properties).flatMap(([key, p]) => [key, ...(p.alias ? [p.alias] : []), ...(p.aliases ?? [])]);
    expect(flags.filter((f) => TAKEN.has(normal(f)))).toEqual([]);
  });

  it('would catch the collision the package generator once had', () => {
    expect(TAKEN.has(normal('version'))).toBe(true);
    expect(TAKEN.has(normal('dryRun'))).toBe(true);
  });
});
