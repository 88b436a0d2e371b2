/**
 * The resolver: repositories (parsed, verified indexes) + world + arch in,
 * the packages apk-tools 2.14 would install, in install order, out. Pure: no
 * I/O, no clock; the same input gives the same output. Failures are
 * UnsatisfiableError with apk-tools' explanation.
 */
export { resolve } from './resolve';
export { resolveMultiArch, type MultiArchRequest } from './multiarch';
export { toDot } from './dot';
export type { Pin, ProviderChoice, Resolution, ResolutionEdge, ResolvedPackage, ResolveRequest, ResolverRepository, Selection } from './types';
