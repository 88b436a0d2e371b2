/** Options of `@apko/nx:image` (mirrors schema.json; executors/schemas.test.ts checks the two agree). */
export interface ImageExecutorSchema {
  config: string;
  tag?: string;
  outputPath: string;
  dockerTarball?: boolean;
  localKeyring?: string;
  archs?: string[];
  lockfile?: string;
  cacheDir?: string;
  offline?: boolean;
  sbom?: boolean;
  sbomFormats?: string[];
  annotations?: Record<string, string>;
  buildDate?: string;
  vcs?: boolean;
  lockTarget?: string;
  strictProviders?: boolean;
  allowUnverifiedData?: boolean;
  fetchTimeout?: string;
  stallTimeout?: string;
  maxApkIndexDecompressedSize?: string;
  maxApkControlSize?: string;
  maxApkDataSize?: string;
  maxHttpResponseSize?: string;
}
