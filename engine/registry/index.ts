/**
 * The OCI distribution client. Input: a built image index, target
 * references, a chain of credential sources (authn/). Output: the
 * image in each target repository, tagged only once complete. Plain HTTP
 * only to loopback registries or when asked (`insecure`).
 */
export { parseReference, formatReference, repositoryName, DOCKER_HUB, type Reference } from '../reference';
export { registryScheme, isLoopbackHost } from './scheme';
export {
  credentialChain,
  defaultCredentials,
  envCredentials,
  githubTokenCredentials,
  dockerConfigCredentials,
  dockerConfigPath,
  readDockerConfig,
  DOCKER_HUB_KEY,
  dockerLogin,
  type DockerLoginRequest,
  type DockerLoginResult,
  parseChallenges,
  RegistryAuth,
  type Challenge,
  type Credential,
  type CredentialSource,
  type DockerConfig,
} from './authn';
export {
  createRegistryClient,
  repositoryScope,
  responseError,
  DEFAULT_REGISTRY_RETRY,
  type RegistryClient,
  type RegistryClientOptions,
  type RegistryRequest,
  type RegistryResponse,
  type RetryPolicy,
} from './client';
export { blobExists, mountBlob, uploadBlob, pushBlob, DEFAULT_CHUNK_SIZE, type BlobOutcome, type BlobPushOptions } from './blobs';
export { putManifest, getManifest, type FetchedManifest } from './manifests';
export { pushAttachment, artifactManifest, referrersTag, EMPTY_CONFIG, type Attachment, type ReferrerOutcome } from './referrers';
export { pushImageIndex, type PushInput, type PushResult, type PushAttachment } from './push';
