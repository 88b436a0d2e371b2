import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_DEFAULTS, MELANGE_BUILD_DEFAULTS, WORKSPACE_DEFAULTS } from '../engine/workspace';

/**
 * schema.json is the contract Nx validates options against; schema.d.ts is
 * what the code reads. This keeps the two in step for every executor and
 * generator, and checks that executors.json / generators.json point at the
 * compiled entry of a source file and at a shipped schema.
 */
const ROOT = join(__dirname, '..');

interface JsonSchema {
  properties: Record<string, { type: string; enum?: string[]; items?: { type: string }; additionalProperties?: { type: string }; description?: string; default?: unknown }>;
  required?: string[];
  additionalProperties?: boolean;
}

/** `name?: type;` lines of the one interface in a schema.d.ts. */
function declaredFields(dts: string): Map<string, { optional: boolean; type: string }> {
  const out = new Map<string, { optional: boolean; type: string }>();
  for (const m of dts.matchAll(/^\s+(\w+)(\?)?: ([^;]+);$/gm)) out.set(m[1]!, { optional: m[2] === '?', type: m[3]! });
  return out;
}

function tsTypeOf(p: JsonSchema['properties'][string]): string {
  if (p.enum) return p.enum.map((e) => `'${e}'`).join(' | ');
  if (p.type === 'array') return `${p.items!.type}[]`;
  if (p.type === 'object' && p.additionalProperties) return `Record<string, ${p.additionalProperties.type}>`;
  return p.type;
}

const collections = [
  ['executors.json', 'executors', 'implementation'],
  ['generators.json', 'generators', 'factory'],
] as const;

describe.each(collections)('%s', (file, key, entry) => {
  const collection = JSON.parse(readFileSync(join(ROOT, file), 'utf8'))[key] as Record<string, Record<string, string>>;

  it.each(Object.keys(collection))('%s points at the compiled form of a source file and at a shipped schema', (name) => {
    const impl = collection[name]![entry]!;
    expect(impl).toMatch(/^\.\/dist\//);
    expect(existsSync(join(ROOT, `${impl.replace(/^\.\/dist\//, '')}.ts`))).toBe(true);
    expect(collection[name]!.schema).toBe(`./${key}/${name}/schema.json`);
    expect(existsSync(join(ROOT, collection[name]!.schema!))).toBe(true);
  });

  it.each(Object.keys(collection))('%s has schema.json and schema.d.ts that agree, with every option described', (name) => {
    const schema = JSON.parse(readFileSync(join(ROOT, key, name, 'schema.json'), 'utf8')) as JsonSchema;
    const fields = declaredFields(readFileSync(join(ROOT, key, name, 'schema.d.ts'), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect([...fields.keys()].sort()).toEqual(Object.keys(schema.properties).sort());
    for (const [prop, spec] of Object.entries(schema.properties)) {
      const field = fields.get(prop)!;
      expect(spec.description, `${name}.${prop} description`).toBeTruthy();
      expect(field.optional, `${name}.${prop} optional`).toBe(!(schema.required ?? []).includes(prop));
      // Generators also accept the comma-separated string form Nx passes for arrays.
      expect(field.type.split(' | ')[0] === tsTypeOf(spec) || field.type === tsTypeOf(spec), `${name}.${prop}: ${field.type} vs ${tsTypeOf(spec)}`).toBe(true);
    }
  });
});

describe('executor defaults', () => {
  /** Where each documented default lives in the engine's one table (engine/defaults.ts). */
  const ENGINE: Record<string, unknown> = {
    sbom: BUILD_DEFAULTS.sbom,
    offline: BUILD_DEFAULTS.offline,
    vcs: BUILD_DEFAULTS.vcs,
    signingKey: WORKSPACE_DEFAULTS.signingKey,
    'package.archs': WORKSPACE_DEFAULTS.packageArchs,
    'package.runner': MELANGE_BUILD_DEFAULTS.runner,
  };
  const executors = Object.keys(JSON.parse(readFileSync(join(ROOT, 'executors.json'), 'utf8')).executors as object);

  it.each(executors)('%s documents the defaults the engine applies', (name) => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'executors', name, 'schema.json'), 'utf8')) as JsonSchema;
    for (const [prop, spec] of Object.entries(schema.properties)) {
      const engine = ENGINE[`${name}.${prop}`] ?? ENGINE[prop];
      if (engine !== undefined) expect(spec.default, `${name}.${prop}`).toEqual(engine);
    }
  });
});
