/** Options of `@apko/nx:release-publish` (mirrors schema.json; executors/schemas.test.ts checks the two agree). */
export interface ReleasePublishExecutorSchema {
  config: string;
  repositories?: string[];
  version?: string;
  dryRun?: boolean;
  archs?: string[];
  lockfile?: string;
  cacheDir?: string;
  offline?: boolean;
  insecure?: boolean;
  imageRefs?: string;
  sbom?: boolean;
  sbomFormats?: string[];
  annotations?: Record<string, string>;
  buildDate?: string;
  vcs?: boolean;
  tag?: string;
  nxReleaseVersionData?: Record<string, object>;
  registry?: string;
  otp?: string;
  access?: string;
  firstRelease?: boolean;
}
