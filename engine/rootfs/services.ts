/**
 * The s6 service bundle (apko `pkg/s6`): for `entrypoint.type: service-bundle`,
 * each service gets /sv/<name>/ (0777, as apko's MkdirAll makes it) holding
 * an execline `run` script (0755). The entrypoint itself is set elsewhere.
 */
import { ConfigError } from '../errors';
import type { EntrypointInput } from './options';
import type { Tree } from './tree';
import { compareBytes } from '../order';

/** Writes the supervision tree, in service-name order. */
export function writeServiceBundle(tree: Tree, entrypoint: EntrypointInput | undefined): void {
  if (entrypoint?.type !== 'service-bundle') return;
  const services = entrypoint.services ?? {};
  const names = Object.keys(services).sort(compareBytes);
  for (const name of names) {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new ConfigError(`entrypoint.services: "${name}" is not a usable service name`, {
        path: 'entrypoint.services',
        hint: 'a service becomes the directory /sv/<name>; use a plain name such as "nginx"',
      });
    }
    tree.mkdirAll(`sv/${name}`, { mode: 0o777 });
    tree.writeFile(`sv/${name}/run`, `#!/bin/execlineb\n${services[name]}\n`, { mode: 0o755 });
  }
}
