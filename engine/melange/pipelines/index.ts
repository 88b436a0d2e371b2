/**
 * Our built-in pipeline definitions by name, as YAML text in melange's
 * definition format (read by pipeline-definition.ts like a user's
 * `--pipeline-dir` file), one module per family. Inputs keep melange's
 * names, defaults and required flags; the steps are our own. They live in
 * TypeScript so they ship inside dist/ (the build copies no other files);
 * `\${{…}}` is escaped in the template literals.
 */
import { compareBytes } from '../../order';
import { CODE_PIPELINES } from '../builtins';
import { BUILD_SYSTEM_PIPELINES } from './build-systems';
import { GO_PIPELINES } from './go';
import { LANGUAGE_PIPELINES } from './languages';
import { SOURCE_PIPELINES } from './source';
import { SPLIT_PIPELINES } from './split';

/** Every built-in definition's text, by `uses:` name. */
export const BUILTIN_PIPELINES: Readonly<Record<string, string>> = {
  ...CODE_PIPELINES,
  ...SOURCE_PIPELINES,
  ...BUILD_SYSTEM_PIPELINES,
  ...GO_PIPELINES,
  ...LANGUAGE_PIPELINES,
  ...SPLIT_PIPELINES,
};

/** The names `uses:` resolves without a `--pipeline-dir`, in byte order. */
export const BUILTIN_USES: readonly string[] = Object.keys(BUILTIN_PIPELINES).sort(compareBytes);
