/** Options of `@apko/nx:init` (mirrors schema.json). */
export interface InitGeneratorSchema {
  signingKey?: string;
  keySize?: number;
  skipFormat?: boolean;
  keepExistingVersions?: boolean;
}
