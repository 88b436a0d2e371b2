/**
 * What happens when a package installs a file or symlink where one already
 * is (apko `pkg/tarfs/fs.go`: `writeHeader`), checked in this order:
 * equal sha1 keeps the first writer; an owner that `replaces` the newcomer
 * keeps its file; a newcomer that `replaces` the owner, or shares its
 * origin, overwrites; anything else is a FileConflictError.
 */
import { FileConflictError } from '../errors';
import type { PkgInfo } from '../apk/types';

/** Keep what is there, or overwrite it with the incoming entry. */
export type ConflictOutcome = 'keep' | 'overwrite';

/** The entry already in the tree. */
export interface ExistingEntry {
  /** The package that wrote it; undefined when the build wrote it (e.g. a configured key). */
  readonly owner?: PkgInfo;
  /** Hex sha1 of its content (symlink: of its target); undefined for directories and devices. */
  readonly sha1?: string;
  /** What it is, for the message when it cannot be compared. */
  readonly kind: string;
}

/** The entry a package wants to write. */
export interface IncomingEntry {
  readonly pkg: PkgInfo;
  readonly sha1: string;
}

function label(p: PkgInfo): string {
  return p.origin && p.origin !== p.pkgname ? `${p.pkgname} (origin ${p.origin})` : p.pkgname;
}

/** Decides a conflict at `path` (tree form, no leading `/`); throws when the two cannot both be installed. */
export function resolveConflict(path: string, existing: ExistingEntry, incoming: IncomingEntry): ConflictOutcome {
  const want = incoming.pkg;
  if (existing.sha1 !== undefined && existing.sha1 === incoming.sha1) return 'keep';
  const got = existing.owner;
  if (existing.sha1 === undefined) {
    // A directory or device cannot be compared with a file, so nothing may replace it.
    const by = got ? `${label(got)} installs a ${existing.kind} there` : `the build created a ${existing.kind} there`;
    throw new FileConflictError(`${want.pkgname} installs /${path}, but ${by}.`, {
      path,
      packages: got ? [got.pkgname, want.pkgname] : [want.pkgname],
      hint: `a path cannot be both a ${existing.kind} and a file; rebuild ${want.pkgname} without /${path}`,
    });
  }
  if (!got) {
    throw new FileConflictError(`${want.pkgname} installs /${path}, but the build already wrote a different file there.`, {
      path,
      packages: [want.pkgname],
      hint: `the build writes /${path} itself (the apk database, /etc/apk files or a configured key); rebuild ${want.pkgname} without it, or drop the configured file`,
    });
  }
  if (got.replaces.includes(want.pkgname)) return 'keep';
  // An undefined origin never matches: two packages that name no origin are not siblings.
  const sameOrigin = got.origin !== undefined && got.origin === want.origin;
  if (want.replaces.includes(got.pkgname) || sameOrigin) return 'overwrite';
  throw new FileConflictError(`/${path} is installed by both ${label(got)} and ${label(want)}.`, {
    path,
    packages: [got.pkgname, want.pkgname],
    hint: `remove one of the two packages, or rebuild ${want.pkgname} with "replaces: ${got.pkgname}"`,
  });
}
