/** Options of `@apko/nx:package` (mirrors schema.json; executors/schemas.test.ts checks the two agree). */
export interface PackageExecutorSchema {
  config: string;
  outputPath: string;
  archs?: string[];
  signingKey?: string;
  runner?: 'bubblewrap' | 'host' | 'chroot';
  namespace?: string;
  buildTarget?: string;
  lintRequire?: string[];
  lintWarn?: string[];
  runTests?: boolean;
  vcs?: boolean;
}
