/** Options of `@apko/nx:package` (mirrors schema.json). */
export interface PackageGeneratorSchema {
  project: string;
  directory?: string;
  name?: string;
  packageVersion?: string;
  description?: string;
  license?: string;
  buildOutput?: string;
  installDir?: string;
  bin?: string;
  runtime?: string[] | string;
  buildTarget?: string;
  overwrite?: boolean;
  skipFormat?: boolean;
}
