import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../errors';
import { checkOutputWritable, checkSbomDirWritable, writeBuildOutputs } from './output';
import { tinyIndex } from './testdata/images';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'output-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const indexJson = (dir: string) => readFileSync(join(dir, 'index.json'), 'utf8');

describe('writeBuildOutputs', () => {
  it('writes the layout and its SBOMs together', async () => {
    const out = join(root, 'out');
    const paths = await writeBuildOutputs({ image: { path: out, kind: 'layout', index: await tinyIndex(['x86_64']), tag: 'a:1' }, sboms: { dir: root, docs: [['sbom-index.spdx.json', '{}']] } });
    expect(paths).toEqual([join(root, 'sbom-index.spdx.json')]);
    expect(readdirSync(root).sort()).toEqual(['out', 'sbom-index.spdx.json']);
  });

  it('commits neither the image nor any SBOM when one SBOM cannot be written, naming that SBOM with a hint', async () => {
    const out = join(root, 'out');
    await writeBuildOutputs({ image: { path: out, kind: 'layout', index: await tinyIndex(['x86_64']), tag: 'a:1' }, sboms: { dir: root, docs: [['sbom-a.json', 'old a']] } });
    const before = indexJson(out);
    mkdirSync(join(root, 'sbom-b.json'));
    const err = await writeBuildOutputs({
      image: { path: out, kind: 'layout', index: await tinyIndex(['x86_64', 'aarch64']), tag: 'a:2' },
      sboms: { dir: root, docs: [['sbom-a.json', 'new a'], ['sbom-b.json', 'new b']] },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ file: join(root, 'sbom-b.json') });
    expect((err as OutputError).hint).toMatch(/--sbom-path/);
    expect(indexJson(out)).toBe(before);
    expect(readFileSync(join(root, 'sbom-a.json'), 'utf8')).toBe('old a');
    expect(readdirSync(root).sort()).toEqual(['out', 'sbom-a.json', 'sbom-b.json']);
  });

  it('writes SBOMs asked for inside the layout directory with the layout, new or replacing an old one', async () => {
    const out = join(root, 'out');
    const first = await writeBuildOutputs({ image: { path: out, kind: 'layout', index: await tinyIndex(['x86_64']), tag: 'a:1' }, sboms: { dir: out, docs: [['sbom.json', 'one']] } });
    expect(first).toEqual([join(out, 'sbom.json')]);
    expect(readFileSync(join(out, 'sbom.json'), 'utf8')).toBe('one');
    await writeBuildOutputs({ image: { path: out, kind: 'layout', index: await tinyIndex(['x86_64', 'aarch64']), tag: 'a:2' }, sboms: { dir: join(out, 'sboms'), docs: [['sbom.json', 'two']] } });
    expect(readFileSync(join(out, 'sboms', 'sbom.json'), 'utf8')).toBe('two');
    expect(readdirSync(out).sort()).toEqual(['blobs', 'index.json', 'oci-layout', 'sboms']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('removes an SBOM directory it made when the outputs are not committed', async () => {
    const dir = join(root, 'sboms');
    await expect(
      writeBuildOutputs({ image: { path: join(root, 'out'), kind: 'layout', index: await tinyIndex(['x86_64']), tag: 'a:1' }, sboms: { dir, docs: [['s.json', '{}'], ['missing/t.json', '{}']] } }),
    ).rejects.toMatchObject({ file: join(dir, 'missing/t.json') });
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('the early checks', () => {
  it('name the file standing where a directory should be', async () => {
    writeFileSync(join(root, 'f'), 'x');
    await expect(checkOutputWritable(join(root, 'f', 'out'), 'layout')).rejects.toThrow(`${join(root, 'f')} is a file, not a directory`);
    await expect(checkOutputWritable(join(root, 'f', 'image.tar'), 'docker-archive')).rejects.toThrow(`${join(root, 'f')} is a file, not a directory`);
    await expect(checkSbomDirWritable(join(root, 'f'))).rejects.toThrow(OutputError);
  });

  it('accept a new layout directory under a writable one without creating it', async () => {
    await checkOutputWritable(join(root, 'a', 'b', 'out'), 'layout');
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuse a tarball in a directory that does not exist, creating nothing', async () => {
    await expect(checkOutputWritable(join(root, 'missing', 'image.tar'), 'docker-archive')).rejects.toThrow('a directory on the path does not exist');
    expect(readdirSync(root)).toEqual([]);
  });
});
