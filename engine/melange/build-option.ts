/**
 * melange's build options: a melange.yaml's top-level `options:` names
 * variants of the build, and `--build-option <name>` turns one on. An enabled
 * option overrides `vars:` entries and adds or removes build environment
 * packages, in the order the options are given; every option of the file is
 * visible to pipelines as `${{options.<name>.enabled}}` (`true` or `false`),
 * so steps and subpackages can be switched with `if:`.
 */
import type { MelangeConfig } from './model';

/** What enabling `names` did, and what could not be applied. */
export interface AppliedOptions {
  readonly config: MelangeConfig;
  /** One line per option the file does not define (melange ignores those too, so a build does not fail on them). */
  readonly warnings: readonly string[];
}

/** Applies the options `names` enables to `cfg` (which is not changed). */
export function applyBuildOptions(cfg: MelangeConfig, names: readonly string[], file: string): AppliedOptions {
  const warnings: string[] = [];
  let vars = { ...cfg.vars };
  let packages = [...cfg.environment.contents.packages];
  const enabled: string[] = [];
  for (const name of names) {
    if (enabled.includes(name)) continue;
    enabled.push(name);
    const option = cfg.buildOptions[name];
    if (option === undefined) {
      const known = Object.keys(cfg.buildOptions);
      warnings.push(`${file}: build option "${name}" is not defined under options: (${known.length > 0 ? `defined: ${known.join(', ')}` : 'the file defines none'}); it changes nothing but \${{options.${name}.enabled}}`);
      continue;
    }
    vars = { ...vars, ...option.vars };
    packages = [...packages, ...option.addPackages].filter((p) => !option.removePackages.includes(p));
  }
  return {
    config: { ...cfg, vars, environment: { ...cfg.environment, contents: { ...cfg.environment.contents, packages } }, enabledOptions: enabled },
    warnings,
  };
}

/** `options.<name>.enabled` for every option the file defines or the build enabled. */
export function optionSubstitutions(cfg: MelangeConfig): [string, string][] {
  const names = new Set([...Object.keys(cfg.buildOptions), ...cfg.enabledOptions]);
  return [...names].map((n) => [`options.${n}.enabled`, cfg.enabledOptions.includes(n) ? 'true' : 'false']);
}
