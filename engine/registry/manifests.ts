/**
 * Manifests and indexes in a repository: PUT by digest (content-addressed,
 * safe to repeat) or by tag (the step that makes a push visible), and GET
 * for the referrers tag fallback. The registry must store exactly our bytes:
 * a `Docker-Content-Digest` that differs from ours is an error.
 */
import { sha256Digest, type Digest } from '../digest';
import { RegistryError } from '../errors';
import type { JsonBlob } from '../oci/media';
import { headerValue, inStep, repositoryScope, responseError, type RegistryClient, type RegistryResponse } from './client';

/** PUTs `manifest` to `repository` under `reference` (its digest, or a tag); returns the registry's answer. */
export async function putManifest(client: RegistryClient, repository: string, reference: string, manifest: JsonBlob): Promise<RegistryResponse> {
  let res: RegistryResponse;
  try {
    res = await client.send({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length) },
      body: manifest.bytes,
      scopes: [repositoryScope(repository)],
    });
  } catch (err) {
    throw inStep(err, `pushing manifest ${manifest.digest} to ${client.registry}/${repository}:${reference}`, manifest.digest);
  }
  if (res.status !== 201 && res.status !== 200) {
    throw responseError(res, `pushing manifest ${manifest.digest} to ${client.registry}/${repository}:${reference}`);
  }
  const stored = headerValue(res, 'docker-content-digest');
  if (stored !== undefined && stored !== manifest.digest) {
    throw new RegistryError(`${client.registry}/${repository} stored manifest ${manifest.digest} as ${stored}`, {
      url: res.shown,
      status: res.status,
      hint: 'the registry rewrote the manifest; it may not support OCI media types',
    });
  }
  return res;
}

/** A manifest as fetched. */
export interface FetchedManifest {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly bytes: Buffer;
}

/** GETs a manifest by tag or digest; undefined when the repository has none under that name. */
export async function getManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  accept: readonly string[],
): Promise<FetchedManifest | undefined> {
  const res = await client.send({
    method: 'GET',
    url: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: accept.join(', ') },
    scopes: [repositoryScope(repository)],
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw responseError(res, `fetching manifest ${client.registry}/${repository}:${reference}`);
  const digest = sha256Digest(res.body);
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new RegistryError(`${client.registry}/${repository}@${reference} answered bytes with digest ${digest}`, { url: res.shown, status: res.status });
  }
  const mediaType = (headerValue(res, 'content-type') ?? '').split(';')[0]!.trim();
  return { mediaType, digest, bytes: res.body };
}
