import { describe, expect, it } from 'vitest';
import { parseArch } from '../arch';
import { ConfigError } from '../errors';
import {
  configSubstitutions,
  pipelineSubstitutions,
  resolveVars,
  substitute,
  substituteKnown,
  substituteQuoted,
} from './substitutions';

const site = { file: 'melange.yaml', path: 'pipeline[0].runs' };
const pkg = configSubstitutions({ name: 'hello', version: '2.12.1', epoch: 3, description: 'greets' });

describe('substitute', () => {
  it('replaces package fields, with or without spaces inside the braces', () => {
    expect(substitute('${{package.name}}-${{ package.version }}-r${{package.epoch}} ${{package.full-version}} ${{package.description}}', pkg, site)).toBe(
      'hello-2.12.1-r3 2.12.1-r3 greets',
    );
  });

  it('leaves text without references alone, including shell ${VAR}', () => {
    expect(substitute('echo ${HOME} $((1+2)) {{x}}', pkg, site)).toBe('echo ${HOME} $((1+2)) {{x}}');
  });

  it('refuses an undefined name with a ConfigError naming file, path and the name', () => {
    expect(() => substitute('echo ${{vars.missing}}', pkg, site)).toThrow(ConfigError);
    expect(() => substitute('echo ${{vars.missing}}', pkg, site)).toThrow('melange.yaml: pipeline[0].runs: ${{vars.missing}} is not defined');
  });

  it('quotes values for conditions, choosing the quote the value lacks', () => {
    const m = new Map([['a', 'x86_64'], ['b', "it's"]]);
    expect(substituteQuoted('${{a}} == ${{b}}', m, site)).toBe(`'x86_64' == "it's"`);
  });

  it('leaves unknown names in place when only some are known (range expansion)', () => {
    expect(substituteKnown('${{range.key}}/${{package.name}}', new Map([['range.key', 'k']]))).toBe('k/${{package.name}}');
  });
});

describe('resolveVars', () => {
  it('resolves vars that use package fields and other vars, then var-transforms', () => {
    const transforms = [
      { from: '${{package.version}}', match: '\\.', replace: '_', to: 'mangled' },
      { from: '${{package.version}}', match: '^(\\d+)\\.(\\d+).*$', replace: '${1}.${2}', to: 'major-minor' },
    ];
    const out = resolveVars(pkg, { full: 'v${{package.version}}', short: '${{vars.full}}-x' }, { transforms, file: 'melange.yaml' });
    expect(out.get('vars.full')).toBe('v2.12.1');
    expect(out.get('vars.short')).toBe('v2.12.1-x');
    expect(out.get('vars.mangled')).toBe('2_12_1');
    expect(out.get('vars.major-minor')).toBe('2.12');
  });

  it('refuses a var-transform whose pattern does not compile', () => {
    expect(() => resolveVars(pkg, {}, { transforms: [{ from: 'x', match: '(', replace: '', to: 'y' }], file: 'melange.yaml' })).toThrow(/var-transforms\[0\]\.match/);
  });
});

describe('pipelineSubstitutions', () => {
  const target = { arch: parseArch('x86_64'), workspace: '/home/build', packageNames: ['hello', 'hello-doc'] };

  it('gives the main pipeline targets, build and triplet values', () => {
    const m = pipelineSubstitutions(pkg, target);
    expect(Object.fromEntries([...m].filter(([k]) => !k.startsWith('package.')))).toEqual({
      'targets.outdir': '/home/build/melange-out',
      'targets.destdir': '/home/build/melange-out/hello',
      'targets.contextdir': '/home/build/melange-out/hello',
      'targets.package.hello': '/home/build/melange-out/hello',
      'targets.package.hello-doc': '/home/build/melange-out/hello-doc',
      'context.name': 'hello',
      'build.arch': 'x86_64',
      'build.goarch': 'amd64',
      'host.triplet.gnu': 'x86_64-pc-linux-gnu',
      'host.triplet.rust': 'x86_64-unknown-linux-gnu',
      'cross.triplet.gnu.glibc': 'x86_64-pc-linux-gnu',
      'cross.triplet.gnu.musl': 'x86_64-pc-linux-musl',
      'cross.triplet.rust.glibc': 'x86_64-unknown-linux-gnu',
      'cross.triplet.rust.musl': 'x86_64-unknown-linux-musl',
    });
    expect(m.has('targets.subpkgdir')).toBe(false);
  });

  it('points contextdir and subpkgdir at the subpackage while its pipeline runs', () => {
    const m = pipelineSubstitutions(pkg, { ...target, subpackage: 'hello-doc', arch: parseArch('arm64') });
    expect(m.get('targets.destdir')).toBe('/home/build/melange-out/hello');
    expect(m.get('targets.subpkgdir')).toBe('/home/build/melange-out/hello-doc');
    expect(m.get('targets.contextdir')).toBe('/home/build/melange-out/hello-doc');
    expect(m.get('subpkg.name')).toBe('hello-doc');
    expect(m.get('build.arch')).toBe('aarch64');
    expect(m.get('host.triplet.gnu')).toBe('aarch64-unknown-linux-gnu');
  });
});
