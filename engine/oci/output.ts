/**
 * The image sinks: an OCI layout directory or a docker-loadable tarball,
 * chosen explicitly by the caller, and the SBOM files. Every file is written
 * atomically, so a failed build leaves the previous output as it was.
 */
import { statSync } from 'node:fs';
import { access, constants, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { writeDockerArchive } from './docker-archive';
import type { ImageIndex } from './image-index';
import { writeLayout } from './layout';

/** What kind of output a path names. */
export type OutputKind = 'layout' | 'docker-archive';

/** Fails early, before any work, when the output cannot be written; a layout's directory is created. */
export async function checkOutputWritable(path: string, kind: OutputKind): Promise<void> {
  const dir = kind === 'layout' ? path : dirname(path);
  try {
    if (kind === 'layout') await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  } catch (err) {
    throw new OutputError(`cannot write the image to ${path}: ${dir} is not a writable directory`, {
      file: path,
      cause: err,
      hint: kind === 'layout' ? 'choose a directory you can create and write' : 'choose a path in an existing, writable directory',
    });
  }
}

/** Writes the image index to `path` as `kind`. */
export async function writeImageOutput(path: string, kind: OutputKind, index: ImageIndex, tag: string): Promise<void> {
  try {
    if (kind === 'layout') await writeLayout(path, index, { tag });
    else await writeDockerArchive(path, index, { tag });
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw new OutputError(`writing the image to ${path} failed: ${(err as Error).message}`, { file: path, cause: err });
  }
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
