/**
 * The Nx plugin `@apko/nx`: project inference from apko.yaml and
 * melange.yaml, and the image → package graph edges. `createNodes` and
 * `createNodesV2` are the same tuple because Nx 21/22 look up the second
 * name and Nx 23/24 the first.
 */
import { createNodes } from './nodes';

/** The plugin's name, as Nx reports it. */
export const name = '@apko/nx';
export { createNodes, CONFIG_GLOB } from './nodes';
/** Alias of `createNodes` for Nx 21 and 22. */
export const createNodesV2 = createNodes;
export { createDependencies } from './dependencies';
export type { ApkoPluginOptions } from './options';
