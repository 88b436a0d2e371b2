/**
 * The plugin options a generator must agree with (where packages are built,
 * which key signs them, the package and build targets' names), read from the @apko/nx
 * entry in nx.json, with the defaults the plugin uses (engine/defaults.ts).
 */
import type { Tree } from '@nx/devkit';
import { nxFor } from './nx-api';
import { WORKSPACE_DEFAULTS as D } from '../engine/workspace';

/** Settings shared by the plugin and the files generators write. */
export interface PluginSettings {
  readonly registered: boolean;
  readonly outputDir: string;
  readonly signingKey: string;
  readonly packageTargetName: string;
  readonly buildTargetName: string;
  readonly archs: readonly string[];
}

const PLUGIN = '@apko/nx';

/** The @apko/nx settings of the workspace in `tree`. */
export function readPluginSettings(tree: Tree): PluginSettings {
  const entry = (nxFor(tree).readNxJson(tree)?.plugins ?? []).find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN);
  const o = (typeof entry === 'object' && entry.options ? entry.options : {}) as Record<string, unknown>;
  const str = (v: unknown, d: string) => (typeof v === 'string' && v !== '' ? v.replace(/\/+$/, '') : d);
  return {
    registered: entry !== undefined,
    outputDir: str(o.outputDir, D.outputDir),
    signingKey: str(o.signingKey, D.signingKey),
    packageTargetName: str(o.packageTargetName, D.packageTargetName),
    buildTargetName: str(o.buildTargetName, D.buildTargetName),
    archs: Array.isArray(o.archs) && o.archs.every((a) => typeof a === 'string') ? (o.archs as string[]) : [...D.packageArchs],
  };
}

/** The local repository directory the plugin gives the project at `root`. */
export function packageRepository(settings: PluginSettings, root: string): string {
  return `${settings.outputDir}/packages/${root === '.' ? 'root' : root}`;
}
