/**
 * `build-cpio`: one architecture's filesystem as a newc cpio archive (an
 * initramfs), as apko's `BuildCPIOCmd` (`internal/cli/build_cpio.go`) writes
 * it: the single layer's entries in tree order (apko converts that layer's
 * tar), gzip-compressed when the name ends in `.gz`, written atomically.
 * apko installs into a directory for this verb, so a hardlink is stored as a
 * regular file holding its target's bytes; block devices and FIFOs are
 * skipped (apko's converter does not handle them), each named in a warning.
 */
import { charDevice, cpioChunks, directory, regularFile, symlink, type CpioRecord } from '../cpio';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { gzip } from '../layer';
import { checkOutputWritable } from '../oci';
import { resolvePackages } from '../fetch';
import { createHttpClient } from '../repo';
import { nodeBytes, treePath, type Tree } from '../rootfs';
import { openStore } from '../store';
import { buildRootTree } from '../buildroot';
import { buildDateFor } from './build';
import { loadForBuild, refuseBaseImage } from './load-config';
import type { NormalizedMinirootfsRequest } from './request';

/** What build-cpio wrote. */
export interface CpioResult {
  readonly output: string;
  readonly arch: string;
  readonly packages: number;
  readonly compressed: boolean;
  /** Tree paths apko's converter skips (block devices, FIFOs). */
  readonly skipped: readonly string[];
}

/** The cpio records of a tree, in its walk order, and the paths that have no cpio form here. */
export function cpioRecordsOf(tree: Tree): { records: CpioRecord[]; skipped: string[] } {
  const records: CpioRecord[] = [];
  const skipped: string[] = [];
  for (const [path, node] of tree.entries()) {
    switch (node.type) {
      case 'dir':
        records.push(directory(path, node.mode));
        break;
      case 'symlink':
        records.push(symlink(path, node.linkTarget ?? ''));
        break;
      case 'file':
        records.push(regularFile(path, node.mode & 0o7777, nodeBytes(node)));
        break;
      case 'hardlink': {
        // On apko's directory filesystem both names are one inode: the same mode and bytes.
        const target = tree.get(treePath(node.linkTarget ?? ''));
        records.push(regularFile(path, (target?.mode ?? node.mode) & 0o7777, target ? nodeBytes(target) : Buffer.alloc(0)));
        break;
      }
      case 'char':
        records.push(charDevice(path, node.mode & 0o7777, node.devmajor ?? 0, node.devminor ?? 0));
        break;
      default:
        skipped.push(path);
    }
  }
  return { records, skipped };
}

/** Builds the rootfs of the single arch in `opts.overrides.arch` and writes it to `opts.output` as cpio. */
export async function buildCpio(opts: NormalizedMinirootfsRequest): Promise<CpioResult> {
  await checkOutputWritable(opts.output, 'docker-archive');
  const loaded = await loadForBuild(opts);
  refuseBaseImage(loaded, 'build-cpio');
  const arch = loaded.archs[0]!;
  if (loaded.config.archs.length > 0) opts.log(`warning: ignoring archs in config, only building for ${arch.apk} (--build-arch)`);
  if (loaded.config.layering !== undefined) opts.log('warning: layering is ignored: a cpio archive holds the whole filesystem');
  const one = { ...loaded, archs: [arch] };
  const store = openStore(opts.cacheDir);
  const { keyring, archs } = await resolvePackages(one, { store, offline: opts.offline, log: opts.log, limits: opts.limits, allowUnverifiedData: opts.allowUnverifiedData, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } });
  const rootfs = buildRootTree(one, archs[0]!, { keyring, buildDate: buildDateFor(one, archs), unlocked: true });
  const { records, skipped } = cpioRecordsOf(rootfs.tree);
  for (const p of skipped) opts.log(`warning: /${p}: ${rootfs.tree.get(p)!.type} entries have no place in apko's cpio archives; left out`);
  const compressed = opts.output.endsWith('.gz');
  const chunks = cpioChunks(records);
  try {
    await writeFileAtomic(opts.output, compressed ? gzip(chunks) : chunks);
  } catch (err) {
    throw new OutputError(`cannot write ${opts.output}: ${(err as Error).message}`, { file: opts.output, cause: err });
  }
  return { output: opts.output, arch: arch.apk, packages: archs[0]!.packages.length, compressed, skipped };
}
