/** Options of `@apko/nx:lock` (mirrors schema.json; executors/schemas.test.ts checks the two agree). */
export interface LockExecutorSchema {
  config: string;
  lockfile?: string;
  tag?: string;
  archs?: string[];
  cacheDir?: string;
  offline?: boolean;
  strictProviders?: boolean;
  allowUnverifiedData?: boolean;
  fetchTimeout?: string;
  stallTimeout?: string;
  maxApkIndexDecompressedSize?: string;
  maxApkControlSize?: string;
  maxApkDataSize?: string;
  maxHttpResponseSize?: string;
}
