/**
 * SBOM formats by name: the built-in ones (SPDX) and any a library user
 * registers. Build requests name formats as strings (`sbomFormats`), so a
 * format added from outside the engine has to be found by name; that makes
 * the registrations process-wide state, kept in this one file with `clearRegisteredSbomFormats` for tests. Built-in
 * formats cannot be replaced, so `spdx` always means SPDX 2.3.
 */
import { ConfigError } from '../errors';
import { compareBytes } from '../order';
import type { SbomFormat } from './format';
import { SpdxFormat } from './spdx-format';

const BUILT_IN: ReadonlyMap<string, SbomFormat> = new Map([['spdx', new SpdxFormat()]]);
const registered = new Map<string, SbomFormat>();

/** A format name is also a cache-key part and a CLI word: lowercase, digits, `.`, `+`, `-`. */
const NAME = /^[a-z0-9][a-z0-9.+-]*$/;

/** The names of every format available now, in byte order. */
export function sbomFormatNames(): string[] {
  return [...BUILT_IN.keys(), ...registered.keys()].sort(compareBytes);
}

/** The format called `name`; an unknown name is a ConfigError listing the known ones. */
export function sbomFormat(name: string): SbomFormat {
  const found = BUILT_IN.get(name) ?? registered.get(name);
  if (found !== undefined) return found;
  const known = sbomFormatNames().join(', ');
  throw new ConfigError(`Unknown SBOM format "${name}"; the known formats are: ${known}.`, {
    hint: `ask for one of ${known}, or register the format with registerSbomFormat before building`,
  });
}

/** The formats called `names`, in that order. */
export function sbomFormatsNamed(names: readonly string[]): SbomFormat[] {
  return names.map(sbomFormat);
}

/** Makes `format` available by its name until the returned function is called. */
export function registerSbomFormat(format: SbomFormat): () => void {
  if (!NAME.test(format.name)) {
    throw new ConfigError(`The SBOM format name "${format.name}" is not valid.`, {
      hint: 'use lowercase letters, digits, ".", "+" and "-", starting with a letter or digit',
    });
  }
  if (BUILT_IN.has(format.name) || registered.has(format.name)) {
    throw new ConfigError(`An SBOM format named "${format.name}" is already registered.`, {
      hint: 'give the format another name, or unregister the existing one first',
    });
  }
  registered.set(format.name, format);
  return () => {
    if (registered.get(format.name) === format) registered.delete(format.name);
  };
}

/** Forgets every registered format (the built-in ones stay). */
export function clearRegisteredSbomFormats(): void {
  registered.clear();
}
