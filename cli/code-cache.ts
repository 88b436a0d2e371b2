/**
 * A V8 code cache for the modules the CLI loads (its own and its
 * dependencies'). Every `apko-nx` call compiles the same few hundred files
 * before doing any work; V8 can save what it
 * compiled (`vm.Script#createCachedData`) and take it back on the next run
 * (`cachedData`), which skips most of that. Node 22 does this itself
 * (`module.enableCompileCache`); this is the same mechanism for Node 20.
 *
 * Entries are keyed by the sha256 of the file's path, its source and the
 * runtime (node version, arch), and V8 checks each one again against the
 * source (a rejected entry is compiled normally and rewritten), so a stale or
 * damaged cache can cost time but never change behaviour. Nothing is written
 * when the directory cannot be created (a read-only home): the CLI runs the
 * same, only slower. `APKO_NX_CODE_CACHE=0` turns it off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import vm from 'node:vm';

/** What node's CommonJS loader gives `_compile` (not in @types/node). */
interface LoaderModule {
  exports: unknown;
  filename: string;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
type LoaderStatics = {
  prototype: LoaderModule;
  wrap(source: string): string;
  _resolveFilename(request: string, parent: LoaderModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
};

/** The default directory: `$XDG_CACHE_HOME/apko-nx/v8`, else `~/.cache/apko-nx/v8`. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'apko-nx', 'v8');
}

/** Serves every CommonJS module loaded from now on from the code cache in `dir`; returns false when it is off. */
export function installCodeCache(dir = codeCacheDir(), env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.APKO_NX_CODE_CACHE === '0') return false;
  const loader = Module as unknown as LoaderStatics;
  const original = loader.prototype._compile;
  const fresh: Array<{ script: vm.Script; path: string }> = [];
  loader.prototype._compile = function compile(this: LoaderModule, content: string, filename: string): unknown {
    if (!isAbsolute(filename)) return original.call(this, content, filename);
    const key = createHash('sha256').update(`${process.version}\0${process.arch}\0${filename}\0`).update(content).digest('hex');
    const path = join(dir, `${key}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(path);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(loader.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) fresh.push({ script, path });
    const mod = this;
    const moduleRequire = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => loader._resolveFilename(request, mod, false, options),
      main: require.main,
      extensions: loader._extensions,
      cache: loader._cache,
    });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(mod.exports, mod.exports, moduleRequire, mod, filename, dirname(filename));
  };
  // Written at exit, so the entries hold the functions this run compiled lazily too.
  process.once('exit', () => {
    if (fresh.length === 0) return;
    try {
      mkdirSync(dir, { recursive: true });
      for (const { script, path } of fresh) {
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, path);
      }
    } catch {
      // A cache that cannot be written only costs the next run some time.
    }
  });
  return true;
}
