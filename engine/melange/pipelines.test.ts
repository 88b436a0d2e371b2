import { describe, expect, it } from 'vitest';
import { compareBytes } from '../order';
import { loadMelangeConfig } from './load';
import { parseDefinition } from './pipeline-definition';
import { BUILTIN_PIPELINES, BUILTIN_USES } from './pipelines';
import { makeProject } from './testdata/project';

/** melange v0.58.0's built-in pipelines: name, every input, the required ones, the defaults (pkg/build/pipelines/). */
const MELANGE: [name: string, inputs: string[], required: string[], defaults: Record<string, string>][] = [
  ["R/build", ["package","path","version"], ["package","version"], {"path":"."}],
  ["autoconf/configure", ["dir","host","build","opts"], [], {"dir":".","host":"${{host.triplet.gnu}}","build":"${{host.triplet.gnu}}","opts":""}],
  ["autoconf/make-install", ["dir","opts","targets"], [], {"dir":".","opts":"","targets":"install"}],
  ["autoconf/make", ["dir","opts","targets"], [], {"dir":".","opts":"","targets":""}],
  ["cargo/build", ["output","opts","modroot","rustflags","prefix","install-dir","output-dir","jobs"], [], {"opts":"--release","modroot":".","rustflags":"","prefix":"usr","install-dir":"bin","output-dir":"target/release"}],
  ["cmake/build", ["output-dir","opts"], [], {"output-dir":"output"}],
  ["cmake/configure", ["output-dir","opts"], [], {"output-dir":"output"}],
  ["cmake/install", ["output-dir"], [], {"output-dir":"output"}],
  ["fetch", ["strip-components","directory","extract","expected-sha256","expected-sha512","expected-none","purl-name","purl-version","uri","timeout","dns-timeout","retry-limit","delete","reason"], ["uri"], {"strip-components":"1","directory":".","extract":"true","purl-name":"${{package.name}}","purl-version":"${{package.version}}","timeout":"5","dns-timeout":"20","retry-limit":"5","delete":"false"}],
  ["git-am", ["patches"], ["patches"], {}],
  ["git-checkout", ["repository","destination","depth","branch","tag","expected-commit","expected-commit-is-branch-tip","recurse-submodules","shallow-submodules","submodule-jobs","cherry-picks","type-hint","sparse-paths","max-retries","initial-backoff","max-backoff","reason"], ["repository"], {"destination":".","depth":"unset","expected-commit-is-branch-tip":"false","recurse-submodules":"false","shallow-submodules":"false","submodule-jobs":"1","max-retries":"3","initial-backoff":"2","max-backoff":"60"}],
  ["go/build", ["go-package","packages","tags","toolchaintags","output","vendor","modroot","prefix","ldflags","strip","install-dir","deps","experiments","extra-args","amd64","arm64","buildmode","tidy","ignore-untracked-files"], ["packages","output"], {"go-package":"go","toolchaintags":"netgo,osusergo","vendor":"false","modroot":".","prefix":"usr","strip":"-w","install-dir":"bin","experiments":"","extra-args":"","amd64":"v2","arm64":"v8.0","buildmode":"default","tidy":"false","ignore-untracked-files":"true"}],
  ["go/bump", ["deps","modroot","go-version","replaces","tidy","show-diff","tidy-compat","work"], ["deps"], {"modroot":".","go-version":"","tidy":"true","show-diff":"false","tidy-compat":"","work":"false"}],
  ["go/covdata", ["package","cover-dir"], [], {"package":"go","cover-dir":"/home/build"}],
  ["go/install", ["go-package","package","version","prefix","install-dir","ldflags","strip","tags","toolchaintags","experiments","amd64","arm64"], ["package"], {"go-package":"go","prefix":"usr","install-dir":"bin","strip":"-w","toolchaintags":"netgo,osusergo","experiments":"","amd64":"v2","arm64":"v8.0"}],
  ["llvm/covreport", ["package","object","ignore-filename-regex"], [], {"package":"llvm-19","object":"","ignore-filename-regex":""}],
  ["maven/configure-mirror", [], [], {}],
  ["maven/pombump", ["patch-file","properties-file","dependencies","properties","pom","debug","show-dependency-tree"], [], {"patch-file":"./pombump-deps.yaml","properties-file":"./pombump-properties.yaml","pom":"pom.xml","debug":"false","show-dependency-tree":"false"}],
  ["meson/compile", ["output-dir"], [], {"output-dir":"output"}],
  ["meson/configure", ["output-dir","opts"], [], {"output-dir":"output"}],
  ["meson/install", ["output-dir"], [], {"output-dir":"output"}],
  ["npm/install", ["package","version","prefix","overrides","npm-package"], ["package","version"], {"prefix":"${{targets.contextdir}}/usr/","npm-package":"npm"}],
  ["patch", ["strip-components","fuzz","patches","series"], [], {"strip-components":"1","fuzz":"2"}],
  ["pecl/install", ["extension"], ["extension"], {}],
  ["pecl/phpize", ["php-config","prefix"], [], {"php-config":"php-config","prefix":"/usr"}],
  ["perl/cleanup", [], [], {}],
  ["perl/make", [], [], {}],
  ["python/build-wheel", [], [], {}],
  ["python/build", [], [], {}],
  ["python/import", ["python","import","from","imports","venv"], [], {"python":"DEFAULT"}],
  ["python/install", [], [], {}],
  ["python/test", ["command"], ["command"], {}],
  ["ruby/build", ["dir","gem","output","opts"], ["gem"], {"dir":"."}],
  ["ruby/clean", [], [], {}],
  ["ruby/install", ["dir","gem","gem-file","version","opts"], ["version"], {"dir":".","opts":""}],
  ["split/alldocs", ["package"], [], {}],
  ["split/bin", ["package"], [], {}],
  ["split/debug", ["package"], [], {}],
  ["split/dev", ["package","prefix"], [], {"prefix":"/usr"}],
  ["split/infodir", ["package"], [], {}],
  ["split/lib", ["package","patterns","paths"], [], {}],
  ["split/locales", ["package"], [], {}],
  ["split/manpages", ["package"], [], {}],
  ["split/static", ["package"], [], {}],
  ["strip", ["opts"], [], {"opts":"-g"}],
  ["xcover/ensure", ["package","min-coverage"], [], {"package":"xcover","min-coverage":""}],
  ["xcover/profile", ["package","executable-path","exclude-functions","include-functions","scope","log-level","verbose","wait-timeout"], ["executable-path"], {"package":"xcover","scope":"project","log-level":"info","verbose":"false","wait-timeout":"60"}],
  ["xcover/status", ["package"], [], {"package":"xcover"}],
  ["xcover/stop", ["package"], [], {"package":"xcover"}],
  ["xcover/wait", ["package","wait-timeout"], [], {"package":"xcover","wait-timeout":"60"}],
];

const sorted = (xs: Iterable<string>) => [...xs].sort(compareBytes);

describe('built-in pipelines', () => {
  it('include every pipeline melange ships (and copy, our own)', () => {
    expect(BUILTIN_USES).toEqual(sorted([...MELANGE.map(([n]) => n), 'copy']));
  });

  it.each(MELANGE)('%s has melange\'s inputs, required inputs and defaults', (name, inputs, required, defaults) => {
    const def = parseDefinition(name, BUILTIN_PIPELINES[name]!, `built-in pipeline ${name}`);
    expect(sorted(def.inputs.keys())).toEqual(sorted(inputs));
    expect(sorted([...def.inputs].filter(([, v]) => v.required).map(([k]) => k))).toEqual(sorted(required));
    expect(Object.fromEntries([...def.inputs].filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default]))).toEqual(defaults);
  });

  it.each(MELANGE)('%s loads in a melange.yaml with its required inputs, every substitution known', async (name, _inputs, required) => {
    const withs = required.map((k) => `      ${k}: x\n`).join('');
    const yaml = `package:\n  name: p\n  version: 1.0.0\npipeline:\n  - uses: ${name}\n${withs ? `    with:\n${withs}` : ''}subpackages:\n  - name: p-sub\n    pipeline:\n      - uses: ${name}\n${withs ? `        with:\n${withs.replace(/^/gm, '    ')}` : ''}`;
    const { config } = await loadMelangeConfig(makeProject(yaml).config);
    expect(config.pipeline[0]!.uses).toBe(name);
    expect(config.pipeline[0]!.code !== undefined || config.pipeline[0]!.pipeline.length > 0).toBe(true);
  });
});
