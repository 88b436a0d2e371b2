/**
 * Blobs into a repository, cheapest way first: a HEAD says the repository
 * has it already; else a cross-repository mount from another repository of
 * the same registry (`POST …/blobs/uploads/?mount=<digest>&from=<repo>`,
 * 201 = mounted, 202 = not mounted but an upload session to use); else an
 * upload: monolithic (one PUT with the whole blob) up to the chunk size,
 * chunked above it (PATCHes with `Content-Range`, then a PUT with the
 * digest). The bytes are hashed while they are sent, so a blob that does not
 * match its descriptor is never committed. A session the registry forgot
 * (404) or whose offset went wrong (416) is started over.
 */
import type { Digest } from '../digest';
import { RegistryError } from '../errors';
import type { BlobSource } from '../oci/blobs';
import { verifyChunks } from '../oci/verify';
import { headerValue, inStep, repositoryScope, responseError, type RegistryClient, type RegistryResponse } from './client';

/** What pushing a blob took. */
export type BlobOutcome = 'existing' | 'mounted' | 'uploaded';

/** How a blob is pushed. */
export interface BlobPushOptions {
  /** Repositories of the same registry that may hold the blob already, tried in order. */
  readonly mountFrom?: readonly string[];
  /** Blobs larger than this go in chunks of this size (default 64 MiB). */
  readonly chunkSize?: number;
}

/** 64 MiB: large enough that ordinary layers go in one request, small enough to bound memory. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;

/** Upload sessions started over before giving up. */
const SESSION_RESTARTS = 2;

/** True when `repository` already has the blob (HEAD 200). */
export async function blobExists(client: RegistryClient, repository: string, digest: Digest): Promise<boolean> {
  const res = await client.send({ method: 'HEAD', url: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository)] });
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw responseError(res, `checking for blob ${digest} in ${client.registry}/${repository}`);
}

/** Tries to mount `digest` from `from`: `mounted`, or the upload location of the session the registry opened instead. */
export async function mountBlob(client: RegistryClient, repository: string, digest: Digest, from: string): Promise<'mounted' | { location: string }> {
  const res = await client.send({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
    headers: { 'content-length': '0' },
    scopes: [repositoryScope(repository), repositoryScope(from, 'pull')],
  });
  if (res.status === 201) return 'mounted';
  if (res.status === 202) return { location: locationOf(client, res, `mounting ${digest} into ${repository}`) };
  throw responseError(res, `mounting blob ${digest} from ${from} into ${client.registry}/${repository}`);
}

function locationOf(client: RegistryClient, res: RegistryResponse, action: string): string {
  const location = headerValue(res, 'location');
  if (location === undefined) throw new RegistryError(`${action}: ${res.shown} answered ${res.status} without a Location`, { url: res.shown, status: res.status });
  return new URL(location, client.origin).toString();
}

async function startUpload(client: RegistryClient, repository: string): Promise<string> {
  const res = await client.send({ method: 'POST', url: `/v2/${repository}/blobs/uploads/`, headers: { 'content-length': '0' }, scopes: [repositoryScope(repository)] });
  if (res.status !== 202) throw responseError(res, `starting an upload to ${client.registry}/${repository}`);
  return locationOf(client, res, `starting an upload to ${repository}`);
}

function withDigest(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** A session-level failure: start a new session and send the blob again. */
class SessionLost extends Error {}

function checkCommitted(res: RegistryResponse, blob: BlobSource, repository: string, client: RegistryClient): void {
  if (res.status === 404 || res.status === 416) throw new SessionLost(`${res.shown} answered ${res.status}`);
  if (res.status !== 201) throw responseError(res, `uploading blob ${blob.digest} to ${client.registry}/${repository}`);
  const got = headerValue(res, 'docker-content-digest');
  if (got !== undefined && got !== blob.digest) {
    throw new RegistryError(`${client.registry}/${repository} stored blob ${blob.digest} as ${got}`, {
      url: res.shown,
      status: res.status,
      hint: 'the registry (or a proxy in front of it) altered the blob; check what sits between you and the registry',
    });
  }
}

async function sendMonolithic(client: RegistryClient, repository: string, blob: BlobSource, location: string): Promise<void> {
  const res = await client.send({
    method: 'PUT',
    url: withDigest(location, blob.digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body: () => verifyChunks(blob.open(), blob, `blob ${blob.digest}`),
    scopes: [repositoryScope(repository)],
  });
  checkCommitted(res, blob, repository, client);
}

/** Re-cuts a stream into buffers of exactly `size` bytes (the last one shorter). */
async function* rechunk(src: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of src) {
    let rest = chunk;
    while (held + rest.length >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      rest = rest.subarray(take);
      parts = [];
      held = 0;
    }
    if (rest.length > 0) {
      parts.push(rest);
      held += rest.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

async function sendChunked(client: RegistryClient, repository: string, blob: BlobSource, first: string, chunkSize: number): Promise<void> {
  let location = first;
  let offset = 0;
  const scopes = [repositoryScope(repository)];
  for await (const chunk of rechunk(verifyChunks(blob.open(), blob, `blob ${blob.digest}`), chunkSize)) {
    const res = await client.send({
      method: 'PATCH',
      url: location,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length),
        'content-range': `${offset}-${offset + chunk.length - 1}`,
      },
      body: chunk,
      scopes,
    });
    if (res.status === 404 || res.status === 416) throw new SessionLost(`${res.shown} answered ${res.status}`);
    if (res.status !== 202) throw responseError(res, `uploading a chunk of blob ${blob.digest} to ${client.registry}/${repository}`);
    location = locationOf(client, res, `uploading a chunk of ${blob.digest}`);
    offset += chunk.length;
  }
  const res = await client.send({ method: 'PUT', url: withDigest(location, blob.digest), headers: { 'content-length': '0' }, scopes });
  checkCommitted(res, blob, repository, client);
}

/** Uploads `blob` (monolithic up to `chunkSize`, chunked above), in `location`'s session when given. */
export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  blob: BlobSource,
  opts: { readonly chunkSize?: number; readonly location?: string } = {},
): Promise<void> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let location = opts.location;
  for (let restart = 0; ; restart++) {
    location ??= await startUpload(client, repository);
    try {
      if (blob.size > chunkSize) await sendChunked(client, repository, blob, location, chunkSize);
      else await sendMonolithic(client, repository, blob, location);
      return;
    } catch (err) {
      if (!(err instanceof SessionLost)) throw err;
      if (restart >= SESSION_RESTARTS) {
        throw new RegistryError(`uploading blob ${blob.digest} to ${client.registry}/${repository} failed: the registry lost the upload session ${SESSION_RESTARTS + 1} times (${err.message})`, {
          url: `${client.origin}/v2/${repository}/blobs/uploads/`,
          hint: 'the registry is losing upload state (several replicas without a shared http.secret?); try again',
        });
      }
      location = undefined;
    }
  }
}

/** Puts `blob` into `repository` the cheapest way: already there, mounted, or uploaded; a failure names the blob. */
export async function pushBlob(client: RegistryClient, repository: string, blob: BlobSource, opts: BlobPushOptions = {}): Promise<BlobOutcome> {
  try {
    return await pushBlobOnce(client, repository, blob, opts);
  } catch (err) {
    throw inStep(err, `pushing blob ${blob.digest} to ${client.registry}/${repository}`, blob.digest);
  }
}

async function pushBlobOnce(client: RegistryClient, repository: string, blob: BlobSource, opts: BlobPushOptions): Promise<BlobOutcome> {
  if (await blobExists(client, repository, blob.digest)) return 'existing';
  let location: string | undefined;
  for (const from of opts.mountFrom ?? []) {
    if (from === repository) continue;
    const mounted = await mountBlob(client, repository, blob.digest, from);
    if (mounted === 'mounted') return 'mounted';
    location = mounted.location;
    break; // the registry opened an upload session instead: use it rather than open more
  }
  await uploadBlob(client, repository, blob, { ...(opts.chunkSize !== undefined ? { chunkSize: opts.chunkSize } : {}), ...(location ? { location } : {}) });
  return 'uploaded';
}
