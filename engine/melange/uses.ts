/**
 * `uses:` resolution, at load time, as melange compiles pipelines
 * (pkg/build/compile.go): a name is looked up in each `--pipeline-dir` in
 * order (`<dir>/<name>.yaml`), then among our built-in definitions; `with:`
 * keys the definition does not declare are refused; an input left out or
 * empty takes its default; a required one still empty is refused; checksums
 * and commits are checked for length and hex digits. The step then becomes
 * the definition's steps with `${{inputs.<name>}}` substituted (in `if:`
 * quoted, as melange quotes), nested `uses:` resolved the same way, and the
 * definition's `needs.packages` on the step, for the build environment. A
 * definition run by code (`fetch`, `strip`, `copy`) keeps its checked inputs
 * in `with:` and names its code. Errors point at the melange.yaml step and
 * name the pipeline and its file.
 */
import { promises as fsp } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { locatedError } from '../yaml/issues';
import type { PathSegment, YamlTree } from '../yaml/tree';
import type { PipelineStep } from './model';
import { parseDefinition, type PipelineDefinition } from './pipeline-definition';
import { BUILTIN_PIPELINES } from './pipelines';

/** What expanding a file's steps needs. */
export interface UsesContext {
  readonly file: string;
  readonly tree: YamlTree;
  /** `--pipeline-dir` directories, searched first, in order. */
  readonly pipelineDirs: readonly string[];
  /** Definitions already read, by name (one load shares it). */
  readonly cache: Map<string, PipelineDefinition>;
}

/** How deep definitions may nest `uses:` (a definition using itself stops here). */
const MAX_DEPTH = 16;

/** melange's hex lengths for the inputs it checks (pipeline.go validateWith). */
const HEX_LENGTHS: Record<string, number> = { 'expected-sha256': 64, 'expected-sha512': 128, 'expected-commit': 40 };

/** Creates the context of one load. */
export function usesContext(file: string, tree: YamlTree, pipelineDirs: readonly string[]): UsesContext {
  return { file, tree, pipelineDirs: pipelineDirs.map((d) => resolve(d)), cache: new Map() };
}

function fail(ctx: UsesContext, path: PathSegment[], detail: string, hint?: string, at: 'key' | 'value' = 'value'): never {
  throw locatedError(ctx.file, { path, ...ctx.tree.locate(path, at), detail, ...(hint !== undefined ? { hint } : {}) });
}

/** The definition `uses: name` means, or undefined. */
async function findDefinition(ctx: UsesContext, name: string): Promise<PipelineDefinition | undefined> {
  const cached = ctx.cache.get(name);
  if (cached !== undefined) return cached;
  let def: PipelineDefinition | undefined;
  for (const dir of ctx.pipelineDirs) {
    const path = join(dir, `${name}.yaml`);
    const text = await fsp.readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      def = parseDefinition(name, text, path);
      break;
    }
  }
  const builtin = BUILTIN_PIPELINES[name];
  if (def === undefined && builtin !== undefined) def = parseDefinition(name, builtin, `built-in pipeline ${name}`);
  if (def !== undefined) ctx.cache.set(name, def);
  return def;
}

/** Replaces `${{inputs.x}}` in `text`; in `if:` values are quoted (a value that is itself one reference stays for the run's quoting). */
function substituteInputs(text: string, values: ReadonlyMap<string, string>, quoted: boolean, unknown: (name: string) => never): string {
  return text.replace(/\$\{\{\s*inputs\.([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    const v = values.get(name);
    if (v === undefined) unknown(name);
    if (!quoted || /^\$\{\{[^}]*\}\}$/.test(v)) return v;
    return v.includes("'") ? `"${v}"` : `'${v}'`;
  });
}

/** A definition's step with its inputs substituted (nested steps too). */
function withInputs(s: PipelineStep, values: ReadonlyMap<string, string>, unknown: (name: string) => never): PipelineStep {
  const sub = (t: string) => substituteInputs(t, values, false, unknown);
  const map = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, sub(v)]));
  return {
    ...s,
    ...(s.name !== undefined ? { name: sub(s.name) } : {}),
    ...(s.runs !== undefined ? { runs: sub(s.runs) } : {}),
    ...(s.if !== undefined ? { if: substituteInputs(s.if, values, true, unknown) } : {}),
    ...(s.workingDirectory !== undefined ? { workingDirectory: sub(s.workingDirectory) } : {}),
    with: map(s.with),
    environment: map(s.environment),
    needs: s.needs.map(sub),
    pipeline: s.pipeline.map((c) => withInputs(c, values, unknown)),
  };
}

/** The input values of a `uses:` step: `with:` checked against the definition, defaults applied. */
function inputValues(ctx: UsesContext, def: PipelineDefinition, st: PipelineStep, at: { path: PathSegment[]; within: string }): Map<string, string> {
  const declared = [...def.inputs.keys()];
  for (const k of Object.keys(st.with)) {
    if (!def.inputs.has(k)) {
      fail(ctx, [...at.path, 'with', k], `${at.within}pipeline ${def.name} (${def.source}) has no input "${k}" (inputs: ${declared.join(', ') || 'none'})`,
        'check the spelling against the pipeline\'s inputs, or remove the key', 'key');
    }
  }
  const values = new Map<string, string>();
  for (const [k, spec] of def.inputs) {
    const v = st.with[k] || spec.default || '';
    if (spec.required && v === '') {
      fail(ctx, [...at.path, 'uses'], `${at.within}pipeline ${def.name} (${def.source}) needs input "${k}", and with: does not give it`, `add with: ${k}: <value>`);
    }
    const len = HEX_LENGTHS[k];
    if (len !== undefined && v !== '' && !(v.length === len && /^[0-9a-fA-F]+$/.test(v))) {
      fail(ctx, [...at.path, 'with', k], `${at.within}pipeline ${def.name}: ${k} "${v}" is not ${len} hex digits`, `give the full ${k === 'expected-commit' ? 'commit id' : 'checksum'} in hex`);
    }
    values.set(k, v);
  }
  return values;
}

/** Expands one `uses:` step (at `path` of the file; `within` names enclosing definitions). */
async function expandUses(ctx: UsesContext, st: PipelineStep, at: { path: PathSegment[]; within: string; depth: number }): Promise<PipelineStep> {
  const name = st.uses!;
  if (isAbsolute(name) || name.split('/').includes('..') || name === '') {
    fail(ctx, [...at.path, 'uses'], `${at.within}uses: "${name}" is not a pipeline name (no absolute paths or ".." parts)`, 'name a pipeline such as autoconf/make');
  }
  if (at.depth >= MAX_DEPTH) fail(ctx, [...at.path, 'uses'], `${at.within}uses: ${name} nests pipelines more than ${MAX_DEPTH} deep`, 'a pipeline definition probably uses itself');
  const def = await findDefinition(ctx, name);
  if (def === undefined) {
    const dirs = ctx.pipelineDirs.length > 0 ? ` in ${ctx.pipelineDirs.join(', ')} or` : '';
    fail(ctx, [...at.path, 'uses'], `${at.within}uses: ${name} is not a pipeline: there is no ${name}.yaml${dirs} among the built-in pipelines`,
      'check the name, or pass the directory holding its definition with --pipeline-dir');
  }
  const values = inputValues(ctx, def, st, at);
  const inputs = Object.fromEntries([...values].map(([k, value]) => [k, { value, default: def.inputs.get(k)?.default ?? '' }]));
  const needs = def.needs.map((n) => substituteInputs(n, values, false, (x) => fail(ctx, [...at.path, 'uses'], `pipeline ${def.name} (${def.source}): needs.packages uses \${{inputs.${x}}}, which it does not declare`)));
  if (def.code !== undefined) return { ...st, with: Object.fromEntries(values), needs: [...st.needs, ...needs], code: def.code, inputs };
  const inner = `${at.within}pipeline ${def.name} (${def.source}): `;
  const steps = def.pipeline.map((s, i) =>
    withInputs(s, values, (x) => fail(ctx, [...at.path, 'uses'], `${inner}pipeline[${i}] uses \${{inputs.${x}}}, which the pipeline does not declare`, 'declare it under inputs: in the definition')),
  );
  const pipeline = await expandSteps(ctx, steps, { path: at.path, within: inner, depth: at.depth + 1, nested: true });
  return { ...st, with: {}, needs: [...st.needs, ...needs], pipeline: [...pipeline, ...st.pipeline], inputs };
}

/** Expands every `uses:` in `steps` (at YAML path `base`), nested steps too. */
export async function expandSteps(
  ctx: UsesContext,
  steps: readonly PipelineStep[],
  at: { path: PathSegment[]; within?: string; depth?: number; nested?: boolean },
): Promise<PipelineStep[]> {
  const out: PipelineStep[] = [];
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    // Inside a definition every error points at the melange.yaml step that used it.
    const path = at.nested ? at.path : [...at.path, i];
    const where = { path, within: at.within ?? '', depth: at.depth ?? 0 };
    if (st.uses !== undefined && st.pipeline.length === 0) out.push(await expandUses(ctx, st, where));
    else out.push({ ...st, pipeline: await expandSteps(ctx, st.pipeline, { ...where, path: at.nested ? path : [...path, 'pipeline'], nested: at.nested ?? false }) });
  }
  return out;
}
