/**
 * A pipeline definition: what `uses: <name>` names. The same YAML shape as
 * melange's (`name`, `needs.packages`, `inputs` with `description`, `default`
 * and `required`, and `pipeline:` steps), read with the same strict schema
 * and YAML tree as a melange.yaml's steps, for our built-in definitions
 * (engine/melange/pipelines/) and for the user's (`--pipeline-dir`) alike.
 * A definition with `code:` is run by engine code (builtins.ts) instead of
 * steps: its inputs are checked the same way.
 */
import { z } from 'zod';
import { ConfigError } from '../errors';
import { issuesToError } from '../yaml/issues';
import { PlainScalar } from '../yaml/scalar';
import { parseYamlTree } from '../yaml/tree';
import { toStep, type PipelineStep } from './model';
import { step } from './schema';

/** One declared input. */
export interface PipelineInput {
  /** Applied when `with:` leaves the input out or gives it empty, as melange does. */
  readonly default?: string;
  readonly required: boolean;
}

/** A loaded definition. */
export interface PipelineDefinition {
  /** The name `uses:` gives, e.g. `autoconf/configure`. */
  readonly name: string;
  /** Where it came from, for messages: a file path, or `built-in pipeline <name>`. */
  readonly source: string;
  readonly inputs: ReadonlyMap<string, PipelineInput>;
  /** `needs.packages`, before `${{inputs.*}}` substitution. */
  readonly needs: readonly string[];
  readonly pipeline: readonly PipelineStep[];
  /** Set for definitions run by engine code (builtins.ts), e.g. `fetch`. */
  readonly code?: string;
}

/** A Go string field: any scalar as written (`default: 1`, `default: true`). */
const scalarText = z.preprocess((v) => (v instanceof PlainScalar ? (v.value === null ? '' : v.source) : v), z.string());
const boolish = z.preprocess((v) => (v instanceof PlainScalar ? v.value : v), z.boolean());

const input = z.preprocess(
  (v) => (v === null || (v instanceof PlainScalar && v.value === null) ? {} : v),
  z.strictObject({ description: scalarText.optional(), default: scalarText.optional(), required: boolish.optional() }),
);

const definitionSchema = z.strictObject({
  name: scalarText.optional(),
  needs: z.strictObject({ packages: z.array(scalarText).optional() }).optional(),
  inputs: z.record(z.string(), input).optional(),
  pipeline: z.array(step).optional(),
  code: scalarText.optional(),
});

/** Parses a definition's YAML text; `source` names it in errors. */
export function parseDefinition(name: string, text: string, source: string): PipelineDefinition {
  const tree = parseYamlTree(text, source);
  const parsed = definitionSchema.safeParse(tree.value ?? {});
  if (!parsed.success) throw issuesToError(source, parsed.error.issues, tree, definitionSchema);
  const d = parsed.data;
  const inputs = new Map<string, PipelineInput>();
  for (const [k, v] of Object.entries(d.inputs ?? {})) {
    inputs.set(k, { required: v.required ?? false, ...(v.default !== undefined ? { default: v.default } : {}) });
  }
  const pipeline = (d.pipeline ?? []).map(toStep);
  if (pipeline.length === 0 && d.code === undefined) {
    throw new ConfigError(`${source}: pipeline ${name} has no pipeline: steps`, { file: source, hint: 'give the definition at least one step under pipeline:' });
  }
  return { name, source, inputs, needs: d.needs?.packages ?? [], pipeline, ...(d.code !== undefined ? { code: d.code } : {}) };
}
