/**
 * `show-config`: the config as loaded (includes merged, flags applied) in
 * apko's YAML, with every credential redacted. Reads no repository.
 */
import { loadImageConfig, printConfig } from '../config';
import type { NormalizedResolveRequest } from './request';

/** The printed config of `opts.config`. */
export async function showConfig(opts: NormalizedResolveRequest): Promise<string> {
  const loaded = await loadImageConfig(opts.config, opts.overrides, { cwd: opts.cwd, env: opts.env });
  return printConfig(loaded.config);
}
