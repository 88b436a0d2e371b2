import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finalizeConfig } from './normalize';
import { parseConfigText } from './parse';
import { printConfig } from './print';
import type { ImageConfig } from './types';

const testdata = (name: string) => readFileSync(join(__dirname, 'testdata', name), 'utf8');
const load = (text: string): ImageConfig => finalizeConfig(parseConfigText(text, 'apko.yaml').config);

describe('printConfig', () => {
  it('prints every key in apko’s struct order, maps sorted, permissions in octal', () => {
    expect(printConfig(load(testdata('everything.yaml')))).toBe(testdata('everything.printed.yaml'));
  });

  it('prints an empty config as an empty mapping', () => {
    expect(printConfig(load('contents: {}'))).toBe('{}\n');
  });

  it('keeps blocks whose presence matters even when empty', () => {
    expect(printConfig(load('layering: {}\ncertificates: {}'))).toBe('layering: {}\ncertificates: {}\n');
  });

  it('sorts map keys byte-wise, not as JavaScript orders integer-like keys', () => {
    expect(printConfig(load('environment: {"9": a, "10": b, B: c, a: d}'))).toBe('environment:\n  "10": b\n  "9": a\n  B: c\n  a: d\n');
  });

  it('quotes strings that would otherwise load as null or another type', () => {
    expect(printConfig(load('environment: {A: "~", B: "", C: "true", D: "0755"}\ncmd: "null"'))).toBe(
      'cmd: "null"\nenvironment:\n  A: "~"\n  B: ""\n  C: "true"\n  D: "0755"\n',
    );
  });

  it('redacts URL passwords and HTTP_AUTH-style secrets', () => {
    const printed = printConfig(
      load(
        'contents:\n  repositories: ["https://u:hunter2@apk.example.com/os", "@t https://u:pw@x/os"]\n  keyring: ["https://u:pw@x/k.rsa.pub"]\n  build_repositories: ["https://tok:en@b/os"]\nenvironment:\n  HTTP_AUTH: basic:apk.example.com:u:hunter2\n',
      ),
    );
    expect(printed).not.toMatch(/hunter2|:pw@|:en@/);
    expect(printed).toBe(
      [
        'contents:',
        '  build_repositories:',
        '    - https://tok:xxxxx@b/os',
        '  repositories:',
        '    - https://u:xxxxx@apk.example.com/os',
        '    - "@t https://u:xxxxx@x/os"',
        '  keyring:',
        '    - https://u:xxxxx@x/k.rsa.pub',
        'environment:',
        '  HTTP_AUTH: basic:apk.example.com:u:xxxxx',
        '',
      ].join('\n'),
    );
  });

  it('leaves include out: the printed config already holds what was included', () => {
    expect(printConfig(load('include: base.yaml\ncmd: x'))).toBe('cmd: x\n');
  });

  it.each(['everything.yaml', 'golden.apko.yaml'])('prints %s so that loading the output gives the same config', (name) => {
    const config = load(testdata(name));
    const again = load(printConfig(config));
    expect(again).toEqual({ ...config, include: undefined });
    expect(printConfig(again)).toBe(printConfig(config));
  });
});
