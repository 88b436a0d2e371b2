/**
 * `build-minirootfs`: one architecture's filesystem as a gzip tarball, with
 * no OCI wrapping. Unlike apko (which writes an uncompressed tar under a
 * .tar.gz name), the output really is gzip.
 */
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { layersFromTree } from '../layer';
import { createHttpClient } from '../repo';
import { openStore } from '../store';
import { buildArchImage } from './arch-image';
import { buildDateFor } from './build';
import { loadForBuild, refuseBaseImage } from './load-config';
import type { NormalizedMinirootfsRequest } from './request';
import { checkOutputWritable } from '../oci';
import { resolvePackages } from '../fetch';

/** Builds the rootfs of the single arch in `opts.overrides.arch` (or the config's first) into `opts.output`. */
export async function buildMinirootfs(opts: NormalizedMinirootfsRequest): Promise<{ output: string; arch: string; diffId: string; packages: number }> {
  await checkOutputWritable(opts.output, 'docker-archive');
  const full = await loadForBuild(opts);
  refuseBaseImage(full, 'build-minirootfs');
  const arch = full.archs[0]!;
  if (full.archs.length > 1) opts.log(`warning: build-minirootfs builds one architecture; using ${arch.apk}`);
  const loaded = { ...full, archs: [arch] };
  const { keyring, archs } = await resolvePackages(loaded, { store: openStore(opts.cacheDir), offline: opts.offline, log: opts.log, limits: opts.limits, allowUnverifiedData: opts.allowUnverifiedData, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } });
  const buildDate = buildDateFor(loaded, archs);
  const built = await buildArchImage(loaded, archs[0]!, { keyring, buildDate, annotations: {} });
  const [layer] = await layersFromTree(built.rootfs.tree);
  try {
    await writeFileAtomic(opts.output, layer!.open());
  } catch (err) {
    throw new OutputError(`cannot write ${opts.output}: ${(err as Error).message}`, { file: opts.output, cause: err });
  }
  return { output: opts.output, arch: arch.apk, diffId: layer!.diffId, packages: archs[0]!.packages.length };
}
