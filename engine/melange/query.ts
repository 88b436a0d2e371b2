/**
 * `melange query` and `melange package-version`: a Go template
 * (go-template.ts) run over the loaded melange.yaml seen as melange's
 * `config.Configuration` (pkg/config/config.go): Go field names in Go's
 * order — `.Package` (Name, Version, Epoch, Description, URL, Commit,
 * TargetArchitecture, Copyright, Dependencies), `.Environment` (Contents,
 * Environment, Accounts), `.Pipeline`, `.Subpackages`, `.Data`, `.Vars`,
 * `.VarTransforms`. As melange's parse does, names, versions, dependencies
 * and the steps' text have `${{package.*}}` and `${{vars.*}}` substituted;
 * other references stay as written. Fields of melange's structs we do not
 * model (Annotations, Checks, CPE, Test, …) are errors, so a struct prints
 * with fewer fields than melange's `{…}`.
 */
import { GoStruct, executeTemplate } from './go-template';
import { loadMelangeConfig, type LoadMelangeOptions } from './load';
import type { BuildEnvironment, Dependencies, MelangeConfig, PipelineStep } from './model';
import { withParseDefaults } from './parse-defaults';
import { substituteKnown, type Substitutions } from './substitutions';

const struct = (type: string, fields: [string, unknown][]) => new GoStruct(type, new Map(fields));
const map = (r: Readonly<Record<string, string>>) => new Map(Object.entries(r));

function dependencies(d: Dependencies): GoStruct {
  return struct('config.Dependencies', [
    ['Runtime', d.runtime],
    ['Provides', d.provides],
    ['Replaces', d.replaces],
    ['ProviderPriority', d.providerPriority ?? ''],
    ['ReplacesPriority', d.replacesPriority ?? ''],
  ]);
}

function step(s: PipelineStep, sub: (t: string) => string): GoStruct {
  return struct('config.Pipeline', [
    ['If', s.if ?? ''],
    ['Name', s.name ?? ''],
    ['Uses', s.uses ?? ''],
    ['With', new Map(Object.entries(s.with).map(([k, v]) => [k, sub(v)]))],
    ['Runs', sub(s.runs ?? '')],
    ['Pipeline', s.pipeline.map((c) => step(c, sub))],
    ['Needs', s.needs.length > 0 ? struct('config.Needs', [['Packages', s.needs]]) : null],
    ['WorkDir', sub(s.workingDirectory ?? '')],
    ['Environment', new Map(Object.entries(s.environment).map(([k, v]) => [k, sub(v)]))],
  ]);
}

function environment(e: BuildEnvironment): GoStruct {
  return struct('types.ImageConfiguration', [
    ['Contents', struct('types.ImageContents', [['Repositories', e.contents.repositories], ['Keyring', e.contents.keyring], ['Packages', e.contents.packages]])],
    ['Environment', map(e.environment)],
    ['Accounts', struct('types.ImageAccounts', [
      ['RunAs', e.accounts.runAs ?? ''],
      ['Users', e.accounts.users.map((u) => struct('types.User', [['UserName', u.username], ['UID', u.uid], ['GID', u.gid ?? null]]))],
      ['Groups', e.accounts.groups.map((g) => struct('types.Group', [['GroupName', g.groupname], ['GID', g.gid], ['Members', g.members]]))],
    ])],
    ['Archs', e.archs],
  ]);
}

/** The config as melange's `config.Configuration`, for templates. */
export function configurationView(cfg: MelangeConfig, subs: Substitutions): GoStruct {
  const sub = (t: string) => substituteKnown(t, subs);
  const p = cfg.package;
  return struct('config.Configuration', [
    ['Package', struct('config.Package', [
      ['Name', p.name],
      ['Version', p.version],
      ['Epoch', p.epoch],
      ['Description', p.description],
      ['URL', sub(p.url)],
      ['Commit', p.commit],
      ['TargetArchitecture', p.targetArchitecture],
      ['Copyright', p.copyright.map((c) => struct('config.Copyright', [['Attestation', c.attestation], ['License', c.license], ['LicensePath', c.licensePath ?? '']]))],
      ['Dependencies', dependencies(p.dependencies)],
    ])],
    ['Environment', environment(withParseDefaults(cfg.environment))],
    ['Pipeline', cfg.pipeline.map((s) => step(s, sub))],
    ['Subpackages', cfg.subpackages.map((sp) => struct('config.Subpackage', [
      ['If', sp.if ?? ''],
      ['Name', sp.name],
      ['Pipeline', sp.pipeline.map((s) => step(s, sub))],
      ['Dependencies', dependencies(sp.dependencies)],
      ['Description', sp.description],
      ['URL', sub(sp.url)],
      ['Commit', sp.commit],
    ]))],
    ['Data', cfg.data.map((d) => struct('config.RangeData', [['Name', d.name], ['Items', map(d.items)]]))],
    // var-transforms' results are substitutions, not vars: melange's .Vars holds only vars:.
    ['Vars', new Map(Object.keys(cfg.vars).map((k) => [k, subs.get(`vars.${k}`) ?? cfg.vars[k]!]))],
    ['VarTransforms', cfg.varTransforms.map((t) => struct('config.VarTransforms', [['From', t.from], ['Match', t.match], ['Replace', t.replace], ['To', t.to]]))],
  ]);
}

/** melange package-version's template. */
export const PACKAGE_VERSION_TEMPLATE = '{{ .Package.Name }}-{{ .Package.Version }}-r{{ .Package.Epoch }}';

/** `melange query`: `template` over the melange.yaml at `path`; no newline is added, as melange adds none. */
export async function melangeQuery(path: string, template: string, opts: LoadMelangeOptions = {}): Promise<string> {
  // As melange's parse, the file's own steps: uses: names are not resolved, so no definition is needed.
  const loaded = await loadMelangeConfig(path, { ...opts, resolveUses: false });
  return executeTemplate(template, configurationView(loaded.config, loaded.substitutions));
}
