/**
 * apko's `MergeInto`: an included file (base) merged under the file that
 * includes it (target). The target wins for scalars and whole blocks, lists
 * are concatenated base first, maps are merged key by key with the target
 * winning. Pure; neither input is changed.
 */
import { sortedRecord } from '../normalize';
import type { Entrypoint, ImageConfig } from '../types';

const isZeroEntrypoint = (e: Entrypoint): boolean =>
  e.type === undefined && e.command === undefined && e.shellFragment === undefined && Object.keys(e.services).length === 0;

/** Merges `base` (the included file) under `target` (the including file). */
export function mergeInto(base: ImageConfig, target: ImageConfig): ImageConfig {
  const b = base.contents;
  const t = target.contents;
  return {
    contents: {
      buildRepositories: [...b.buildRepositories, ...t.buildRepositories],
      runtimeRepositories: [...b.runtimeRepositories, ...t.runtimeRepositories],
      repositories: [...b.repositories, ...t.repositories],
      keyring: [...b.keyring, ...t.keyring],
      runtimeKeyring: [...b.runtimeKeyring, ...t.runtimeKeyring],
      packages: [...b.packages, ...t.packages],
      baseimage: t.baseimage ?? b.baseimage,
    },
    entrypoint: isZeroEntrypoint(target.entrypoint) ? base.entrypoint : target.entrypoint,
    cmd: target.cmd ?? base.cmd,
    stopSignal: target.stopSignal ?? base.stopSignal,
    workDir: target.workDir ?? base.workDir,
    accounts: {
      runAs: target.accounts.runAs ?? base.accounts.runAs,
      users: [...base.accounts.users, ...target.accounts.users],
      groups: [...base.accounts.groups, ...target.accounts.groups],
    },
    archs: target.archs.length > 0 ? target.archs : base.archs,
    environment: sortedRecord({ ...base.environment, ...target.environment }),
    paths: [...base.paths, ...target.paths],
    vcsUrl: target.vcsUrl ?? base.vcsUrl,
    annotations: sortedRecord({ ...base.annotations, ...target.annotations }),
    // apko leaves the includer's own `include` in place; the base's is already merged.
    include: target.include,
    volumes: [...base.volumes, ...target.volumes],
    layering: target.layering ?? base.layering,
    format: target.format ?? base.format,
    certificates: target.certificates ?? base.certificates,
  };
}
