/**
 * Reads a config and the files it includes, one after another: each file is
 * parsed, checked against the schema on its own (so errors point into the
 * right file), and converted; an include cycle or a missing include is a
 * ConfigError at the `include:` line. The chain is ordered includer first.
 * A file over MAX_CONFIG_BYTES and a chain over MAX_INCLUDE_DEPTH files are
 * refused, so no input can make loading unbounded.
 */
import { open } from 'node:fs/promises';
import { dirname, isAbsolute, relative } from 'node:path';
import { ConfigError } from '../../errors';
import { parseConfigText } from '../parse';
import { PlainScalar } from '../../yaml/scalar';
import type { ImageConfig } from '../types';
import type { YamlTree } from '../../yaml/tree';
import { resolveConfigPath } from './resolve';

/** One file of the chain. */
export interface ChainFile {
  /** Absolute path. */
  readonly path: string;
  /** The name used in messages: relative to the working directory when inside it. */
  readonly display: string;
  readonly bytes: Buffer;
  readonly tree: YamlTree;
  /** This file alone, converted but not merged. */
  readonly config: ImageConfig;
}

/** How the chain was read. */
export interface ChainOptions {
  readonly cwd: string;
  readonly includePaths: readonly string[];
}

/** The name a path is shown by in messages. */
export function displayName(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Reads the config at `path` and every file it includes; warnings are appended to `warnings`. */
export async function readChain(path: string, opts: ChainOptions, warnings: string[]): Promise<ChainFile[]> {
  const chain: ChainFile[] = [];
  let name = path;
  let from: ChainFile | undefined;
  for (;;) {
    const here = from?.tree.locate(['include']);
    const prefix = from === undefined ? `${name}` : `${from.display}:${here!.line}:${here!.column}: include`;
    const { found, tried, notFiles } = await resolveConfigPath(name, {
      cwd: opts.cwd,
      includePaths: opts.includePaths,
      includerDir: from === undefined ? undefined : dirname(from.path),
    });
    if (found === undefined && notFiles !== undefined) {
      // A directory, a device such as /dev/zero or a FIFO is never read: it is no config, and reading it may never end.
      throw new ConfigError(`${prefix}: "${name}" is not a regular file (${notFiles.join(', ')})`, {
        file: from?.display ?? name,
        ...(from === undefined ? {} : { path: 'include', line: here!.line, column: here!.column }),
        hint: 'name an apko YAML file',
      });
    }
    if (found === undefined) {
      throw new ConfigError(`${prefix}: cannot find "${name}" (looked for ${tried.join(', ')})`, {
        file: from?.display ?? name,
        ...(from === undefined ? {} : { path: 'include', line: here!.line, column: here!.column }),
        hint: 'paths are relative to the working directory; add a directory with --include-paths',
      });
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      throw new ConfigError(`${prefix}: the include chain is deeper than ${MAX_INCLUDE_DEPTH} files`, {
        file: from!.display,
        path: 'include',
        line: here!.line,
        column: here!.column,
        hint: 'merge some of the included files; each include: adds one file to the chain',
      });
    }
    if (chain.some((f) => f.path === found.path)) {
      const cycle = [...chain.slice(chain.findIndex((f) => f.path === found.path)).map((f) => f.display), displayName(found.path, opts.cwd)];
      throw new ConfigError(`${prefix}: include cycle: ${cycle.join(' → ')}`, {
        file: from!.display,
        path: 'include',
        line: here!.line,
        column: here!.column,
        hint: 'remove one of the include: lines',
      });
    }
    const display = displayName(found.path, opts.cwd);
    if (found.via === 'includer-dir') {
      warnings.push(`${prefix}: "${name}" was found next to ${from!.display} (${display}); apko looks only in the working directory and --include-paths`);
    }
    const file = await readConfigFile(found.path, display);
    chain.push(file);
    warnings.push(...permissionWarnings(file));
    if (file.config.include === undefined) return chain;
    const at = file.tree.locate(['include']);
    warnings.push(`${display}:${at.line}:${at.column}: include is deprecated in apko; it still works here`);
    name = file.config.include;
    from = file;
  }
}

/**
 * No config file is read past this many bytes: real ones are a few KiB (a
 * long package list and inline certificates stay far below it), and the YAML
 * parser holds a whole file, and more, in memory.
 */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** How many files an include chain may hold; real chains are two or three deep. */
export const MAX_INCLUDE_DEPTH = 32;

/** The file's bytes, refusing one larger than MAX_CONFIG_BYTES before more than that is read. */
async function readCapped(path: string, display: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new ConfigError(`${display}: cannot read the config: ${(cause as Error).message}`, { file: display, cause, hint: 'check that the file exists and is readable' });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, MAX_CONFIG_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_CONFIG_BYTES) {
        throw new ConfigError(`${display}: the config is larger than ${MAX_CONFIG_BYTES} bytes`, {
          file: display,
          hint: 'an apko config is a few KiB; check that the path names the config and not another file',
        });
      }
    }
    return Buffer.concat(chunks);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(`${display}: cannot read the config: ${(cause as Error).message}`, { file: display, cause, hint: 'check that the path names a regular file' });
  } finally {
    await handle.close();
  }
}

async function readConfigFile(path: string, display: string): Promise<ChainFile> {
  const bytes = await readCapped(path, display);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ConfigError(`${display}: the file is not UTF-8 text`, { file: display, cause, hint: 'save it as UTF-8' });
  }
  return { path, display, bytes, ...parseConfigText(text, display) };
}

/** `permissions: 755` is decimal in apko too (0o1363); say so when the digits look octal. */
function permissionWarnings(file: ChainFile): string[] {
  const out: string[] = [];
  file.config.paths.forEach((_, i) => {
    const v = (file.tree.value as { paths: Array<Record<string, unknown>> }).paths[i]?.permissions;
    if (v instanceof PlainScalar && typeof v.value === 'number' && /^[1-7][0-7]{2,3}$/.test(v.source)) {
      const at = file.tree.locate(['paths', i, 'permissions']);
      out.push(
        `${file.display}:${at.line}:${at.column}: paths[${i}].permissions: ${v.source} is the decimal number ${v.source} (= 0o${v.value.toString(8)}); write 0o${v.source} for an octal mode`,
      );
    }
  });
  return out;
}
