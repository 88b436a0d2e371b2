/**
 * Reads a lock file, ours or apko's: the same JSON shape, validated strictly
 * enough that a build from it can trust each field, loosely enough that
 * fields apko adds later do not break it.
 */
import { z } from 'zod';
import { ConfigError } from '../errors';
import type { LockFile } from './types';

const section = z.object({ range: z.string().regex(/^bytes=\d+-\d+$/), checksum: z.string().regex(/^sha(1|256)-[A-Za-z0-9+/]+=*$/) });
const repository = z.object({ name: z.string(), url: z.string(), architecture: z.string() });
const schema = z.object({
  version: z.literal('v1'),
  config: z.object({ name: z.string(), checksum: z.string() }).optional(),
  contents: z.object({
    keyring: z.array(z.object({ name: z.string(), url: z.string(), content: z.string().default('') })).default([]),
    build_repositories: z.array(repository).default([]),
    runtime_repositories: z.array(repository).default([]),
    repositories: z.array(repository).default([]),
    packages: z.array(
      z.object({
        name: z.string().min(1),
        url: z.string().min(1),
        version: z.string().min(1),
        architecture: z.string().min(1),
        signature: section.optional(),
        control: section,
        data: section,
        checksum: z.string().regex(/^Q1[A-Za-z0-9+/]{27}=$/, 'a Q1 checksum (regenerate the lock file with a current apko or apko-nx lock)'),
      }),
    ),
  }),
});

/** Parses lock file text; a malformed file is a ConfigError naming it and the field. */
export function parseLockFile(text: string, file: string): LockFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${(err as Error).message}`, { file, cause: err, hint: 'regenerate it with apko-nx lock' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new ConfigError(`${file}: ${path}: ${issue.message}`, { file, path, hint: 'regenerate it with apko-nx lock' });
  }
  return parsed.data as LockFile;
}

/** `bytes=a-b` → [a, b + 1) offsets. */
export function parseRange(range: string): { start: number; end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range)!;
  return { start: Number(m[1]), end: Number(m[2]) + 1 };
}
