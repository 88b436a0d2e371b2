/**
 * Writes a build's results where the user asked: an OCI layout when the
 * output is an existing directory, otherwise a docker-loadable tarball; then
 * the SBOMs. Every file is written atomically, so a failed build leaves the
 * previous output as it was.
 */
import { existsSync, statSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { writeDockerArchive, writeLayout, type ImageIndex } from '.';

/** What kind of output a path names. */
export type OutputKind = 'layout' | 'docker-archive';

/** A directory means an OCI layout (apko's rule); anything else a tarball. */
export function outputKindOf(path: string): OutputKind {
  return existsSync(path) && statSync(path).isDirectory() ? 'layout' : 'docker-archive';
}

/** Fails early, before any work, when the output cannot be written. */
export async function checkOutputWritable(path: string): Promise<void> {
  const dir = outputKindOf(path) === 'layout' ? path : dirname(path);
  try {
    await access(dir, constants.W_OK);
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  } catch (err) {
    throw new OutputError(`cannot write the image to ${path}: ${dir} is not a writable directory`, {
      file: path,
      cause: err,
      hint: 'create the directory (for an OCI layout) or choose a path in a writable directory (for a tarball)',
    });
  }
}

/** Writes the image index to `path`. */
export async function writeImageOutput(path: string, index: ImageIndex, tag: string): Promise<OutputKind> {
  const kind = outputKindOf(path);
  try {
    if (kind === 'layout') await writeLayout(path, index, { tag });
    else await writeDockerArchive(path, index, { tag });
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw new OutputError(`writing the image to ${path} failed: ${(err as Error).message}`, { file: path, cause: err });
  }
  return kind;
}

/** Writes each named SBOM into `dir`; returns their paths. */
export async function writeSboms(dir: string, docs: ReadonlyArray<readonly [name: string, text: string]>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, text] of docs) {
    const p = join(dir, name);
    try {
      await writeFileAtomic(p, text);
    } catch (err) {
      throw new OutputError(`cannot write the SBOM ${p}: ${(err as Error).message}`, { file: p, cause: err });
    }
    paths.push(p);
  }
  return paths;
}
