/**
 * How show-packages prints one resolved package: apko's named formats and
 * templates of the user's own. A leaf (it needs only the template compiler),
 * so the CLI can list the formats in its help without loading the resolver.
 */
import { compilePackageTemplate } from './package-template';

/** One resolved package as show-packages prints it. */
export interface PackageLine {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  /** The package's URL or path (credentials redacted). */
  readonly source: string;
  readonly repository: string;
  readonly requiredBy: readonly string[];
}

const TEMPLATES: Record<string, (p: PackageLine) => string> = {
  'name-version': (p) => `${p.name} ${p.version}`,
  'name-version-source': (p) => `${p.name} ${p.version} ${p.source}`,
  'name=version': (p) => `${p.name}=${p.version}`,
  'name=version-source': (p) => `${p.name}=${p.version} ${p.source}`,
  'name-(version)': (p) => `${p.name} (${p.version})`,
  'name-(version)-source': (p) => `${p.name} (${p.version}) ${p.source}`,
  packagelock: (p) => `- ${p.name}=${p.version}`,
  'packagelock-source': (p) => `- ${p.name}=${p.version} # ${p.source}`,
};

/** The named output formats show-packages accepts (plus `json`). */
export const PACKAGE_FORMATS: readonly string[] = [...Object.keys(TEMPLATES), 'json'];

/**
 * Renders one line per package in a named format or a template of the
 * user's own (`{{.Name}} {{.Version}}`); undefined for an unknown name.
 */
export function formatPackageLine(format: string): ((p: PackageLine) => string) | undefined {
  return TEMPLATES[format] ?? (format.includes('{{') ? compilePackageTemplate(format) : undefined);
}
