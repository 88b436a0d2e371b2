/**
 * `@apko/nx:package`: `apko-nx melange build` for each arch as an Nx task.
 * The output directory belongs to this task alone and starts empty, so the
 * repository holds exactly what this melange.yaml builds and is restorable
 * from the cache on its own; images list each repository they need.
 */
import type { ExecutorContext } from '@nx/devkit';
import { readFile, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { buildMelangePackage, ConfigError, defaultCacheDir, normalizeMelangeBuildOptions, rootPreparer } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import type { PackageExecutorSchema } from './schema';

async function readKey(path: string, shown: string) {
  const pem = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new ConfigError(`cannot read the signing key ${shown}`, {
      file: shown,
      cause: err,
      hint: 'create the workspace key with `nx g @apko/nx:init`, or set the signingKey option (CI: write the key from a secret first)',
    });
  });
  return { privateKeyPem: pem, keyName: basename(path) };
}

/** Builds the packages into `<outputPath>/<arch>/`. */
export default async function packageExecutor(options: PackageExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(`packaging ${options.config}`, async (log) => {
    const root = context.root;
    const keyPath = options.signingKey ?? 'melange.rsa';
    const signingKey = await readKey(resolve(root, keyPath), keyPath);
    const runner = options.runner ?? 'host';
    const prepareRoot = runner === 'chroot' ? rootPreparer({ cwd: root, cacheDir: defaultCacheDir({ env: process.env, cwd: root }), log }) : undefined;
    await rm(resolve(root, options.outputPath), { recursive: true, force: true });
    for (const arch of options.archs ?? ['x86_64']) {
      const o = normalizeMelangeBuildOptions(
        { configPath: options.config, arch, signingKey, outDir: options.outputPath, runner, namespace: options.namespace ?? 'unknown', log, ...(prepareRoot ? { prepareRoot } : {}) },
        root,
      );
      // Paths are absolute and the build date settled, so the engine's second normalization changes nothing.
      const result = await buildMelangePackage({ ...o, arch: o.arch.apk, vars: { ...o.vars } });
      for (const p of result.packages) log(`${arch}: ${p.name}-${p.version} → ${p.path.slice(root.length + 1)}`);
    }
  });
}
