import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError } from './go-template';
import { melangeQuery, PACKAGE_VERSION_TEMPLATE } from './query';

const dir = mkdtempSync(join(tmpdir(), 'melange-query-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'q.yaml');
writeFileSync(file, `package:
  name: q
  version: 1.2.3
  epoch: 0
  description: "v \${{package.version}} \${{vars.foo}}"
  url: https://x/\${{package.name}}
  copyright:
    - license: MIT
  dependencies:
    runtime:
      - a-\${{vars.foo}}
vars:
  foo: bar
var-transforms:
  - from: \${{package.version}}
    match: \\.
    replace: _
    to: under
pipeline:
  - runs: echo \${{vars.foo}} \${{vars.under}}
subpackages:
  - name: q-\${{vars.foo}}
    description: hi
`);

// The expected strings are what melange v0.58.0's query printed for this file.
describe('melangeQuery', () => {
  it('prints package-version as melange does: name-version-rEpoch, no newline', async () => {
    expect(await melangeQuery(file, PACKAGE_VERSION_TEMPLATE)).toBe('q-1.2.3-r0');
  });

  it('substitutes package and vars references in the fields it shows, as melange parses them', async () => {
    const t = '{{.Package.Description}}|{{.Package.URL}}|{{.Package.Dependencies.Runtime}}|{{(index .Subpackages 0).Name}}|{{(index .Pipeline 0).Runs}}|{{.Package.Epoch}}|{{.Package.TargetArchitecture}}|{{.Vars.foo}}|{{(index .Pipeline 0).With}}|{{.Environment.Contents.Packages}}|{{.Vars}}|{{(index .Package.Copyright 0).License}}';
    expect(await melangeQuery(file, t)).toBe('v 1.2.3 bar|https://x/q|[a-bar]|q-bar|echo bar 1_2_3|0|[]|bar|map[]|[]|map[foo:bar]|MIT');
  });

  it('runs range with variables, with, eq, len, printf pipes, comments and trim markers', async () => {
    const t = '{{ range $i, $s := .Subpackages }}{{ $i }}={{ $s.Name }}{{ end }} {{ with .Package }}{{ .Name }}{{ end }} {{ eq .Package.Name "q" }} {{ len .Package.Name }} {{ .Package.Epoch | printf "%03d" }} {{/* c */}}{{- " trim" -}} x';
    expect(await melangeQuery(file, t)).toBe('0=q-bar q true 1 000  trimx');
  });

  it('runs if/else if/else and range else', async () => {
    const t = '{{ if .Package.Epoch }}a{{ else if eq .Package.Version "1.2.3" }}b{{ else }}c{{ end }}{{ range .Package.TargetArchitecture }}x{{ else }}none{{ end }}';
    expect(await melangeQuery(file, t)).toBe('bnone');
  });

  it.each([
    ['{{.Package.Nope}}', "can't evaluate field Nope in type config.Package"],
    ['{{ if .Package.Name }}x', 'has no {{end}}'],
    ['{{ nosuch .Package }}', 'function "nosuch" not defined'],
    ['{{ .Package', 'unclosed action'],
  ])('refuses %s with a TemplateError', async (t, message) => {
    await expect(melangeQuery(file, t)).rejects.toThrow(TemplateError);
    await expect(melangeQuery(file, t)).rejects.toThrow(message);
  });
});
