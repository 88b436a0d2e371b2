/**
 * The two logs a melange build writes on request, in melange's formats:
 * `--create-build-log` appends one `arch|origin|name|version-rN` line per
 * built package to `packages.log` in the caller's directory, and
 * `--dependency-log FILE` writes the dependencies the scan generated (sorted,
 * without duplicates; JSON as Go encodes melange's `config.Dependencies`)
 * to `FILE.<arch>`. melange rewrites that file for every package, so it
 * holds the last package's (the last subpackage when there are any); so
 * does this.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Arch } from '../arch';
import { writeFileAtomic } from '../fs/atomic';
import { quote } from '../json';
import { compareBytes } from '../order';
import type { MelangeBuildRequest } from './build-options';
import type { EmittedPackage } from './emit';
import type { GeneratedDependencies } from './sca';

/** Where `--create-build-log` writes, relative to the caller's directory, as melange. */
export const BUILD_LOG_NAME = 'packages.log';

/** The `packages.log` line of one package. */
export function buildLogLine(arch: Arch, origin: string, pkg: Pick<EmittedPackage, 'name' | 'version'>): string {
  return `${arch.apk}|${origin}|${pkg.name}|${pkg.version}\n`;
}

/** melange's dependency log document: `runtime` then `provides`, each left out when empty, and a newline. */
export function dependencyLogJson(g: Pick<GeneratedDependencies, 'runtime' | 'provides'>): string {
  const list = (xs: readonly string[]) => `[${[...new Set(xs)].sort(compareBytes).map(quote).join(',')}]`;
  const fields = [g.runtime.length > 0 ? `"runtime":${list(g.runtime)}` : '', g.provides.length > 0 ? `"provides":${list(g.provides)}` : ''].filter((f) => f !== '');
  return `{${fields.join(',')}}\n`;
}

/** Writes the logs the request asks for, after one architecture's packages were written. */
export async function writeBuildLogs(o: MelangeBuildRequest, b: { readonly arch: Arch; readonly origin: string }, emitted: readonly EmittedPackage[]): Promise<void> {
  if (o.createBuildLog && emitted.length > 0) {
    await fsp.appendFile(join(o.cwd, BUILD_LOG_NAME), emitted.map((p) => buildLogLine(b.arch, b.origin, p)).join(''), { mode: 0o644 });
  }
  const last = emitted.at(-1);
  if (o.dependencyLog !== undefined && last !== undefined) {
    const file = `${o.dependencyLog}.${b.arch.apk}`;
    await writeFileAtomic(file, dependencyLogJson(last.generated));
    o.log(`wrote the dependency log ${file}`);
  }
}
