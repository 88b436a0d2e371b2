/**
 * The image sinks: an OCI layout directory or a docker-loadable tarball,
 * chosen explicitly by the caller, and the SBOM files. The image and its
 * SBOMs are one output: all are staged first (where a full disk or a
 * read-only mount shows), then swapped in together, so a failed build —
 * whichever file failed — leaves every previous file exactly as it was
 * (engine/fs/commit.ts). Every failure is an OutputError naming the path
 * the user gave and what to do.
 */
import { constants } from 'node:fs';
import { access, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ApkoError, OutputError } from '../errors';
import { commitTogether, mapCommitErrors, stageFile, type Staged } from '../fs/commit';
import { faultReason, outputFault } from '../fs/fault';
import { stageDockerArchive, writeDockerArchive } from './docker-archive';
import type { ImageIndex } from './image-index';
import { stageLayout, writeLayout } from './layout';

/** What kind of output a path names. */
export type OutputKind = 'layout' | 'docker-archive';

/** The nearest existing ancestor of `p` (itself when it exists). */
async function nearestExisting(p: string): Promise<string> {
  for (let d = p; ; d = dirname(d)) {
    if (await stat(d).then(() => true, () => false)) return d;
    if (dirname(d) === d) return d;
  }
}

/** Throws when `dir` is not, or cannot become, a writable directory; creates nothing. */
async function checkDir(dir: string, fail: (reason: string, err?: unknown) => OutputError): Promise<void> {
  const existing = await nearestExisting(dir);
  const st = await stat(existing);
  if (!st.isDirectory()) throw fail(`${existing} is a file, not a directory`);
  await access(existing, constants.W_OK).catch((err: unknown) => {
    throw fail(faultReason(err), err);
  });
}

/** Fails early, before any work, when the output cannot be written; creates nothing (a failed build leaves no empty output behind). */
export async function checkOutputWritable(path: string, kind: OutputKind): Promise<void> {
  const dir = kind === 'layout' ? path : dirname(path);
  const hint = kind === 'layout' ? 'choose a directory you can create and write' : 'choose a path in an existing, writable directory';
  const fail = (reason: string, err?: unknown) =>
    new OutputError(`cannot write the image to ${path}: ${dir} is not a writable directory (${reason})`, { file: path, cause: err, hint });
  await checkDir(dir, fail);
  if (kind === 'docker-archive') {
    // A tarball goes into a directory that exists: a typo in its path should not create directories.
    const st = await stat(dir).catch((err: unknown) => {
      throw fail(faultReason(err), err);
    });
    if (!st.isDirectory()) throw fail(`${dir} is not a directory`);
  }
}

/** Fails early, before any work, when SBOMs cannot be written into `dir` (which need not exist yet). */
export async function checkSbomDirWritable(dir: string): Promise<void> {
  await checkDir(dir, (reason, err) =>
    new OutputError(`cannot write the SBOMs to ${dir}: ${reason}`, {
      file: dir,
      cause: err,
      hint: 'point --sbom-path at a writable directory, or build without SBOMs (--sbom=false)',
    }),
  );
}

/** Runs a staging step, turning a file-system failure into an OutputError about `path`. */
async function guarded(path: string, what: string, where: string, stage: () => Promise<Staged>): Promise<Staged> {
  const fault = (err: unknown): Error => (err instanceof ApkoError ? err : outputFault(err, path, what, where));
  try {
    return mapCommitErrors(await stage(), fault);
  } catch (err) {
    throw fault(err);
  }
}

/** A directory made for the SBOMs, removed again if the outputs are not committed. */
async function stageMissingDir(dir: string): Promise<Staged> {
  const made = await mkdir(dir, { recursive: true });
  const undo = async () => {
    if (made !== undefined) await rmdir(dir).catch(() => undefined);
  };
  return { target: dir, commit: async () => {}, rollback: undo, finish: async () => {}, discard: undo };
}

/** What a build writes: the image, and its SBOMs in a directory. */
export interface BuildOutputs {
  readonly image?: { readonly path: string; readonly kind: OutputKind; readonly index: ImageIndex; readonly tag: string };
  readonly sboms?: { readonly dir: string; readonly docs: ReadonlyArray<readonly [name: string, text: string]> };
}

/** Writes the image and its SBOMs together or not at all; returns the SBOM paths. */
export async function writeBuildOutputs(o: BuildOutputs): Promise<string[]> {
  const stagers: (() => Promise<Staged>)[] = [];
  const sbomPaths: string[] = [];
  const sbomWhere = 'point --sbom-path elsewhere';
  // SBOMs asked for inside a layout directory go into the layout's own stage: the layout's swap replaces that directory.
  const inLayout = o.image?.kind === 'layout' && o.sboms !== undefined ? relative(resolve(o.image.path), resolve(o.sboms.dir)) : undefined;
  const extraFiles: Array<readonly [string, string]> = [];
  if (o.sboms !== undefined && inLayout !== undefined && !inLayout.startsWith('..') && !isAbsolute(inLayout)) {
    for (const [name, text] of o.sboms.docs) {
      sbomPaths.push(join(o.sboms.dir, name));
      extraFiles.push([join(inLayout, name), text]);
    }
  } else if (o.sboms !== undefined) {
    const { dir, docs } = o.sboms;
    stagers.push(() => guarded(dir, 'the SBOMs', sbomWhere, () => stageMissingDir(dir)));
    for (const [name, text] of docs) {
      const p = join(dir, name);
      sbomPaths.push(p);
      stagers.push(() => guarded(p, 'the SBOM', sbomWhere, () => stageFile(p, text)));
    }
  }
  if (o.image !== undefined) {
    const { path, kind, index, tag } = o.image;
    const stage = kind === 'layout' ? () => stageLayout(path, index, { tag, extraFiles }) : () => stageDockerArchive(path, index, { tag });
    // The image is staged first: it is the large part, where a full disk is most likely to show.
    stagers.unshift(() => guarded(path, 'the image', 'write the image elsewhere', stage));
  }
  await commitTogether(stagers);
  return sbomPaths;
}

/** Writes the image index to `path` as `kind`. */
export async function writeImageOutput(path: string, kind: OutputKind, index: ImageIndex, tag: string): Promise<void> {
  try {
    if (kind === 'layout') await writeLayout(path, index, { tag });
    else await writeDockerArchive(path, index, { tag });
  } catch (err) {
    if (err instanceof ApkoError) throw err;
    throw outputFault(err, path, 'the image', 'write the image elsewhere');
  }
}

/** Writes each named SBOM into `dir`, all or none; returns their paths. */
export async function writeSboms(dir: string, docs: ReadonlyArray<readonly [name: string, text: string]>): Promise<string[]> {
  return writeBuildOutputs({ sboms: { dir, docs } });
}
