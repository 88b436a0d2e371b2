/**
 * One config file's text → its ImageConfig, alone: no includes followed, no
 * overrides, no defaults. Errors name the file, YAML path, line and column.
 * Used by the loader for every file of an include chain, and usable on its
 * own wherever a config must be read without touching other files.
 */
import { issuesToError } from '../yaml/issues';
import { fromRaw } from './normalize';
import { imageConfigSchema } from './schema';
import type { ImageConfig } from './types';
import { parseYamlTree, type YamlTree } from '../yaml/tree';

/** A parsed file: where things are, and what they say. */
export interface ParsedConfigFile {
  readonly tree: YamlTree;
  readonly config: ImageConfig;
}

/** Parses and checks one apko.yaml text; `file` is the name used in error messages. */
export function parseConfigText(text: string, file: string): ParsedConfigFile {
  const tree = parseYamlTree(text, file);
  const parsed = imageConfigSchema.safeParse(tree.value);
  if (!parsed.success) throw issuesToError(file, parsed.error.issues, tree, imageConfigSchema);
  return { tree, config: fromRaw(parsed.data) };
}
