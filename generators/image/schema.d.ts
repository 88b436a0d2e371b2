/** Options of `@apko/nx:image` (mirrors schema.json). */
export interface ImageGeneratorSchema {
  project: string;
  directory?: string;
  base?: 'none' | 'wolfi' | 'alpine';
  runtime?: 'node';
  runtimePackage?: string;
  repositories?: string[] | string;
  keyring?: string[] | string;
  packages?: string[] | string;
  entrypoint?: string;
  user?: string;
  uid?: number;
  archs?: string[] | string;
  configName?: string;
  overwrite?: boolean;
  skipFormat?: boolean;
}
