/** Options of `@apko/nx:publish` (mirrors schema.json; executors/schemas.test.ts checks the two agree). */
export interface PublishExecutorSchema {
  config: string;
  tags?: string[];
  tag?: string;
  archs?: string[];
  lockfile?: string;
  cacheDir?: string;
  offline?: boolean;
  insecure?: boolean;
  imageRefs?: string;
  sbom?: boolean;
  sbomPath?: string;
  sbomFormats?: string[];
  annotations?: Record<string, string>;
  buildDate?: string;
  vcs?: boolean;
}
