import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The shells' import rule (docs/ARCHITECTURE.md): cli/, plugin/, executors/ and
 * generators/ reach the engine only through its public entries
 * (engine/index.ts, engine/workspace.ts; tests also engine/format.ts), never import
 * each other, and take @nx/devkit from its root (its src/ paths are closed
 * from Nx 23); tests may also use @nx/devkit/testing.
 *
 * The CLI is the exception, because every call is a new process and must
 * load only what its verb needs (cli/command.ts): at the top of a file it
 * takes engine types (`import type`) and only the light leaves in
 * CLI_LEAVES; a verb loads the engine module it runs with `await import()`
 * inside `run()`. e2e/cli-laziness.test.ts checks what a real call loads.
 */
const ROOT = resolve(__dirname, '..');
const FOLDERS = ['cli', 'plugin', 'executors', 'generators'];
// YAML is read by the engine (engine/config/facts.ts), so a shell never parses it itself; tests may, to check what was written.
const PACKAGES = new Set(['@nx/devkit']);
/** Engine modules the CLI may load at startup: each imports nothing but node builtins and these (or the leaves they name). */
const CLI_LEAVES = ['engine/errors', 'engine/order', 'engine/defaults', 'engine/report/format-error', 'engine/image/package-line'];
const CLI_LEAF_IMPORTS = ['engine/reference', 'engine/digest', 'engine/image/package-template', ...CLI_LEAVES];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'files' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Import specifiers that break the rule, as `file: specifier`. */
function violations(): string[] {
  const out: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of sources(join(ROOT, folder))) {
      const isTest = file.endsWith('.test.ts') || file.includes('/testdata/');
      const lazyCli = folder === 'cli' && !isTest;
      for (const [, head, spec] of readFileSync(file, 'utf8').matchAll(/(import\s+type\s[^;]*?from\s+|(?:from|import)\s+|import\()'([^']+)'/g)) {
        const ok = spec!.startsWith('.')
          ? (() => {
              const target = relative(ROOT, resolve(dirname(file), spec!));
              const isEngine = target === 'engine' || target.startsWith('engine/');
              if (lazyCli && isEngine) return head!.startsWith('import type') || head!.includes('(') || CLI_LEAVES.includes(target);
              const entries = isTest ? ['engine', 'engine/workspace', 'engine/format'] : ['engine', 'engine/workspace'];
              return entries.includes(target) || (target.split('/')[0] === folder && !target.startsWith('engine/'));
            })()
          : builtinModules.includes(spec!.replace(/^node:/, '')) || PACKAGES.has(spec!) || (isTest && ['@nx/devkit/testing', 'vitest', 'yaml'].includes(spec!));
        if (!ok) out.push(`${relative(ROOT, file)}: ${spec}`);
      }
    }
  }
  return out;
}

/** Sorting that does not go through the engine's one comparator (compareBytes), as `file: match`. */
function ownOrderings(): string[] {
  const out: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of sources(join(ROOT, folder))) {
      if (file.endsWith('.test.ts')) continue;
      for (const [m] of readFileSync(file, 'utf8').matchAll(/\.sort\(\)|localeCompare|\w+ < \w+ \? -1/g)) out.push(`${relative(ROOT, file)}: ${m}`);
    }
  }
  return out;
}

/**
 * Runtime (non-type) imports of @nx/devkit outside tests, as `file: line`. The
 * plugin ships without it (generators/nx-api.ts says why), so only
 * `import type` may name it.
 */
const DEVKIT = ["'", '@nx/devkit', "'"].join('');
function runtimeDevkitImports(): string[] {
  const out: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of sources(join(ROOT, folder))) {
      if (file.endsWith('.test.ts') || file.includes('/testdata/')) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const named = [`from ${DEVKIT}`, `require(${DEVKIT})`].some((form) => line.includes(form));
        if (named && !/^import type /.test(line)) out.push(`${relative(ROOT, file)}: ${line.trim()}`);
      }
    }
  }
  return out;
}

describe('the shells', () => {
  it('take nothing from @nx/devkit at run time, so installing the plugin is enough on every Nx major', () => {
    expect(runtimeDevkitImports()).toEqual([]);
  });

  it('import the engine only through its public entries, not each other, and @nx/devkit only from its root', () => {
    expect(violations()).toEqual([]);
  });

  it('let the CLI load at startup only engine leaves that import nothing heavier', () => {
    const heavier = CLI_LEAF_IMPORTS.flatMap((leaf) =>
      [...readFileSync(join(ROOT, `${leaf}.ts`), 'utf8').matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)]
        .filter(([, spec]) => spec!.startsWith('.'))
        .map(([, spec]) => relative(ROOT, resolve(dirname(join(ROOT, leaf)), spec!)))
        .filter((target) => !CLI_LEAF_IMPORTS.includes(target))
        .map((target) => `${leaf}: ${target}`),
    );
    expect(heavier).toEqual([]);
  });

  it('order by the engine\'s byte comparator, never a bare sort, localeCompare or a comparator of their own', () => {
    expect(ownOrderings()).toEqual([]);
  });
});
