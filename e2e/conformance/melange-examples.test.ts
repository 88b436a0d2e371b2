import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMelangeConfig } from '../../engine/melange/load';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { referenceSource, toolPins } from './reference-tools';

/**
 * Every example melange ships (its `examples/` directory at the pinned
 * version, from Go's module cache) loads here: the schema, substitutions,
 * build options, `uses:` and conditions as melange reads them. Building them
 * needs their upstream sources, so this suite loads and does not build.
 */
let prerequisite: Prerequisite | undefined;
let examples: string[] = [];
let dir = '';

function yamlFiles(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const p = join(root, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return name.endsWith('.yaml') ? [p] : [];
  });
}

beforeAll(async () => {
  prerequisite = await referenceToolFor('melange');
  noticeIfMissing(prerequisite, 'melange examples');
  if (!('tool' in prerequisite)) return;
  dir = join(await referenceSource('melange'), 'examples');
  examples = yamlFiles(dir).sort();
}, 600_000);

describe(`melange ${toolPins().melange.version}'s examples`, () => {
  it('are all found', (ctx) => {
    needTool(prerequisite, ctx);
    expect(examples.length).toBeGreaterThanOrEqual(30);
  });

  it('all load, each with the packages it names', async (ctx) => {
    needTool(prerequisite, ctx);
    const failures: string[] = [];
    for (const file of examples) {
      try {
        const { config } = await loadMelangeConfig(file);
        expect(config.package.name).not.toBe('');
      } catch (err) {
        failures.push(`${relative(dir, file)}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('include options.yaml, whose rustls option switches the subpackages and the build environment', async (ctx) => {
    needTool(prerequisite, ctx);
    const file = join(dir, 'options.yaml');
    const off = await loadMelangeConfig(file);
    const on = await loadMelangeConfig(file, { buildOptions: ['rustls'] });
    expect(off.config.environment.contents.packages).toContain('openssl-dev');
    expect(on.config.environment.contents.packages).not.toContain('openssl-dev');
    expect(on.config.environment.contents.packages).toContain('rustls-ffi');
    expect(on.substitutions.get('options.rustls.enabled')).toBe('true');
  });
});
