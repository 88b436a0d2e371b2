/**
 * The credential sources a publish uses unless its request names others, in
 * the README's order: CI variables first, then GITHUB_TOKEN for ghcr.io,
 * then docker's config.json. Extend it with `[mine, ...defaultCredentials(env)]`.
 */
import type { CredentialSource, Env } from './credentials';
import { dockerConfigCredentials } from './docker-config';
import { envCredentials, githubTokenCredentials } from './env';

/** The default sources, to be combined by credentialChain. */
export function defaultCredentials(env: Env): readonly CredentialSource[] {
  return [envCredentials(env), githubTokenCredentials(env), dockerConfigCredentials(env)];
}
