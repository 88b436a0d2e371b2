/**
 * `apko-nx publish <config.yaml> <ref>...`: apko's publish verb. Builds the
 * image (every build flag applies) and pushes it to each reference, tags
 * last; prints `<repo>@sha256:<index digest>` on stdout for composition.
 */
import { bool, str, UsageError } from '../args';
import { IMAGE_FLAGS, RESOLVE_FLAGS, buildRequestFrom } from '../build-flags';
import type { Command } from '../command';

const USAGE = 'publish <config.yaml> <ref>... [flags]';

export const publish: Command = {
  name: 'publish',
  summary: 'build a multi-arch image and push it, with its SBOMs, to each <ref> (auth: docker config, or APKO_NX_REGISTRY_USERNAME/PASSWORD)',
  usage: USAGE,
  flags: {
    ...RESOLVE_FLAGS,
    ...IMAGE_FLAGS,
    insecure: { type: 'boolean', description: 'allow plain HTTP to a registry that is not on localhost/127.0.0.1' },
    'image-refs': { type: 'string', value: 'FILE', description: 'write the pushed references (each arch, then the index) to FILE, one per line' },
  },
  // The count is checked below, where the message can say "at least".
  arity: [0, 1024],
  async run(p, io) {
    if (p.positionals.length < 2) {
      throw new UsageError(`publish needs a config file and at least one image reference, got ${p.positionals.length} argument${p.positionals.length === 1 ? '' : 's'}`, `usage: apko-nx ${USAGE}`);
    }
    const [config, ...refs] = p.positionals as [string, ...string[]];
    const { tag: _first, output: _none, ...build } = buildRequestFrom(p, { config, tag: refs[0]!, env: io.env, log: io.err });
    const imageRefs = str(p, 'image-refs');
    const [{ normalizePublishRequest }, { publishImage }] = await Promise.all([import('../../engine/publish/request'), import('../../engine/publish/publish')]);
    const opts = normalizePublishRequest({ ...build, tags: refs, insecure: bool(p, 'insecure'), ...(imageRefs !== undefined ? { imageRefs } : {}) }, io.cwd);
    const result = await publishImage(opts);
    io.out(result.reference);
    return 0;
  },
};
