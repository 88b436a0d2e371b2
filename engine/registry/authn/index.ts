/**
 * Registry authentication (as go-containerregistry's `authn`): where
 * credentials come from (a chain of sources: environment, GITHUB_TOKEN,
 * docker's config.json, or the caller's own), and how a registry's
 * challenge is answered (Basic, or a Bearer token per scope set).
 */
export { credentialChain, type Credential, type CredentialSource, type Env } from './credentials';
export { defaultCredentials } from './default';
export { envCredentials, githubTokenCredentials, GHCR } from './env';
export { dockerConfigCredentials, dockerConfigCredential, dockerConfigPath, readDockerConfig, DOCKER_HUB_KEY, type DockerConfig, type DockerAuthEntry } from './docker-config';
export { dockerLogin, type DockerLoginRequest, type DockerLoginResult } from './docker-login';
export { parseChallenges, type Challenge } from './challenge';
export { RegistryAuth, NO_CREDENTIALS_HINT, type TokenHttp } from './registry-auth';
