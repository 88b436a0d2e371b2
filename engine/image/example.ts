/**
 * `apko-nx example`: the bundled example image, built offline from packages
 * this project writes and signs itself, into `<dir>/image` (an OCI layout)
 * with its SBOMs in `<dir>/sbom`. SOURCE_DATE_EPOCH is ignored so the digest
 * is the same on every machine.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeExampleWorkspace } from '../example/example-workspace';
import { buildImageFromConfig, type BuildResult } from './build';
import { normalizeBuildRequest } from './request';

/** The example's tag. */
export const EXAMPLE_TAG = 'apko-nx-example:latest';

/** Where the example went and what it built. */
export interface ExampleResult extends BuildResult {
  readonly layout: string;
}

/** Writes the example workspace under `dir` and builds its image there. */
export async function buildExampleImage(o: { readonly dir: string; readonly env?: NodeJS.ProcessEnv; readonly log?: (line: string) => void }): Promise<ExampleResult> {
  const log = o.log ?? (() => undefined);
  log(`writing the example workspace (signing key, packages, apko.yaml) to ${o.dir}`);
  const ws = await writeExampleWorkspace(join(o.dir, 'workspace'));
  const layout = join(o.dir, 'image');
  await mkdir(join(o.dir, 'sbom'), { recursive: true });
  const result = await buildImageFromConfig(
    normalizeBuildRequest(
      {
        config: ws.configPath,
        tag: EXAMPLE_TAG,
        output: { path: layout, kind: 'layout' },
        sbomPath: join(o.dir, 'sbom'),
        cacheDir: join(o.dir, 'cache'),
        offline: true,
        env: { ...(o.env ?? process.env), SOURCE_DATE_EPOCH: undefined },
        log,
      },
      ws.dir,
    ),
  );
  return { ...result, layout };
}
