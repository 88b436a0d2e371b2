import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../digest';
import { ConfigError } from '../errors';
import type { SbomFormat } from './format';
import { clearRegisteredSbomFormats, registerSbomFormat, sbomFormat, sbomFormatNames, sbomFormatsNamed } from './format-registry';
import { spdxForImage } from './image';
import { serializeSpdx } from './serialize';
import { SPDX_ARTIFACT_TYPE, SpdxFormat } from './spdx-format';
import { wolfiImage } from './testdata/inputs';
import type { IndexSbomInput, PackageSbomInput } from './types';

/** The bytes pinned in testdata/golden; `UPDATE_GOLDEN=1` rewrites them (review the diff). */
function golden(name: string, actual: Buffer): string {
  const path = join(__dirname, 'testdata', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}

const index: IndexSbomInput = {
  indexDigest: `sha256:${sha256Hex('i')}`,
  created: 0,
  toolVersion: '0.1.0',
  imageRef: 'cgr.dev/chainguard/hello:latest',
  images: [
    { arch: 'x86_64', ociArch: 'amd64', digest: `sha256:${sha256Hex('m')}` },
    { arch: 'aarch64', ociArch: 'arm64', digest: `sha256:${sha256Hex('n')}` },
  ],
};

const hello: PackageSbomInput = {
  name: 'hello',
  fullVersion: '1.0-r2',
  arch: 'x86_64',
  namespace: 'unknown',
  copyright: [{ license: 'MIT', attestation: 'Copyright <me> & co' }],
  sourceDateEpoch: 1700000000,
  configFile: { path: 'pkgs/hello/melange.yaml', commit: 'a'.repeat(40) },
  licenseTexts: new Map([['LicenseRef-x', 'text']]),
};

describe('SpdxFormat', () => {
  const spdx = new SpdxFormat();

  it('writes the image document as sbom-<arch>.spdx.json with the bytes pinned in testdata', () => {
    const doc = spdx.imageDocument(wolfiImage());
    expect(doc.name).toBe('sbom-x86_64.spdx.json');
    expect(doc.artifactType).toBe('application/spdx+json');
    expect(doc.bytes.toString('utf8')).toBe(serializeSpdx(spdxForImage(wolfiImage())));
    expect(doc.bytes.toString('utf8')).toBe(golden('image-wolfi-x86_64.spdx.json', doc.bytes));
  });

  it('writes the index document as sbom-index.spdx.json with the bytes pinned in testdata', () => {
    const doc = spdx.indexDocument(index);
    expect([doc.name, doc.artifactType]).toEqual(['sbom-index.spdx.json', SPDX_ARTIFACT_TYPE]);
    expect(doc.bytes.toString('utf8')).toBe(golden('index.spdx.json', doc.bytes));
  });

  it('writes a package document byte for byte as melange lays it out (field order, Go escaping, newline)', () => {
    const doc = spdx.packageDocument(hello);
    expect(doc.name).toBe('hello-1.0-r2.spdx.json');
    expect(doc.bytes.toString('utf8')).toBe(golden('package-hello-1.0-r2.spdx.json', doc.bytes));
  });
});

describe('the SBOM format registry', () => {
  const lines: SbomFormat = {
    name: 'lines',
    artifactType: 'text/plain',
    imageDocument: (f) => ({ name: `sbom-${f.arch}.txt`, artifactType: 'text/plain', bytes: Buffer.from(f.packages.map((p) => p.name).join('\n')) }),
    indexDocument: () => ({ name: 'sbom-index.txt', artifactType: 'text/plain', bytes: Buffer.from('') }),
  };

  it('knows spdx as SPDX 2.3', () => {
    expect(sbomFormat('spdx')).toBeInstanceOf(SpdxFormat);
    expect(sbomFormatsNamed(['spdx']).map((f) => f.name)).toEqual(['spdx']);
  });

  it('refuses an unknown name with a ConfigError listing the known formats', () => {
    const err = (() => {
      try {
        sbomFormat('cyclonedx');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('ECONFIG');
    expect(err.message).toBe('Unknown SBOM format "cyclonedx"; the known formats are: spdx.');
    expect(err.hint).toBe('ask for one of spdx, or register the format with registerSbomFormat before building');
  });

  it('finds a registered format by name until it is unregistered', () => {
    const unregister = registerSbomFormat(lines);
    try {
      expect(sbomFormat('lines')).toBe(lines);
      expect(sbomFormatNames()).toEqual(['lines', 'spdx']);
    } finally {
      unregister();
    }
    expect(() => sbomFormat('lines')).toThrow('the known formats are: spdx.');
  });

  it('refuses to replace spdx, to register a name twice, or a name that cannot be a CLI word', () => {
    expect(() => registerSbomFormat({ ...lines, name: 'spdx' })).toThrow('An SBOM format named "spdx" is already registered.');
    registerSbomFormat(lines);
    try {
      expect(() => registerSbomFormat({ ...lines })).toThrow(ConfigError);
      expect(() => registerSbomFormat({ ...lines, name: 'Lines Two' })).toThrow('The SBOM format name "Lines Two" is not valid.');
    } finally {
      clearRegisteredSbomFormats();
    }
    expect(sbomFormatNames()).toEqual(['spdx']);
  });
});
