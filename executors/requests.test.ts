import { beforeAll, describe, expect, it } from 'vitest';
import { executorContext, makeExecutorWorkspace } from './testdata/workspace';
import { imageRequest, lockRequest } from './requests';

let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
});

const SAFETY = {
  strictProviders: true,
  allowUnverifiedData: true,
  fetchTimeout: '45s',
  stallTimeout: '10s',
  maxApkIndexDecompressedSize: '1000',
  maxApkControlSize: '2000',
  maxApkDataSize: '-1',
  maxHttpResponseSize: '4000',
};

describe('executor requests', () => {
  it.each([
    ['image', (o: typeof SAFETY) => imageRequest({ config: 'app/apko.yaml', outputPath: 'dist/images/app', ...o }, executorContext(root), () => undefined)],
    ['lock', (o: typeof SAFETY) => lockRequest({ config: 'app/apko.yaml', ...o }, executorContext(root), () => undefined)],
  ] as const)('%s maps the CLI\'s safety and limit options onto the engine request', (_name, make) => {
    const r = make(SAFETY);
    expect(r.overrides.strictProviders).toBe(true);
    expect(r.allowUnverifiedData).toBe(true);
    expect(r.fetch).toMatchObject({ deadlineMs: 45_000, stallMs: 10_000 });
    expect(r.limits.maxApkIndexDecompressedSize).toBe(1000);
    expect(r.limits.maxApkControlSize).toBe(2000);
    expect(r.limits.maxApkDataSize).toBeGreaterThan(2 ** 31);
    expect(r.limits.maxHttpResponseSize).toBe(4000);
  });

  it('leaves the engine defaults when the options are not given', () => {
    const r = imageRequest({ config: 'app/apko.yaml', outputPath: 'dist/images/app' }, executorContext(root), () => undefined);
    expect(r.overrides.strictProviders).toBeUndefined();
    expect(r.allowUnverifiedData).toBe(false);
    expect(r.relockCommand).toBe('nx run app:lock');
    expect(r.tag).toBe('app:latest');
  });
});
