/**
 * Chainguard-style key discovery (apko `pkg/apk/apk/implementation.go`,
 * `DiscoverKeys`): `<repository>/apk-configuration` is a JSON document whose
 * `jwks_uri` names a JSON Web Key Set; each RSA key in it is a repository
 * key named `<kid>.rsa.pub`, as a PKIX PEM. A repository that answers 404
 * simply does not take part.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { FetchError, FormatError } from '../errors';
import { redactUrl, withoutCredentials } from '../redact';
import { checkedKeyName } from './discovered-key';

/** The discovery document's URL for a repository (as configured, without its tag). */
export function apkConfigurationUrl(repository: string): string {
  return `${repository.replace(/\/+$/, '')}/apk-configuration`;
}

function json(bytes: Buffer, shown: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatError(`${shown} is not JSON: ${(err as Error).message}`, { file: shown, cause: err });
  }
}

/** The JWKS URL the discovery document names, resolved against the document's own URL. */
export function jwksUrlOf(bytes: Buffer, documentUrl: string): string {
  const shown = redactUrl(documentUrl);
  const uri = (json(bytes, shown) as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof uri !== 'string' || uri === '') throw new FormatError(`${shown} has no jwks_uri`, { file: shown, hint: 'the repository\'s apk-configuration must name its key set as jwks_uri' });
  const url = new URL(uri, documentUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FormatError(`${shown} names a jwks_uri that is not http(s): ${redactUrl(url.toString())}`, { file: shown });
  return url.toString();
}

/** A key of the set: its file name and PEM. */
export interface JwksKey {
  readonly name: string;
  readonly pem: string;
  /** `<repository>/<name>`, as apko's lock records it (no credentials). */
  readonly url: string;
}

/** The set's RSA keys as PEM; a key without `kid`, or of another type, is refused as apko refuses it. */
export function keysOfJwks(bytes: Buffer, jwksUrl: string, repository: string): JwksKey[] {
  const shown = redactUrl(jwksUrl);
  const keys = (json(bytes, shown) as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new FormatError(`${shown} is not a JSON Web Key Set (no keys list)`, { file: shown });
  const base = withoutCredentials(repository.replace(/\/+$/, ''));
  return (keys as (JsonWebKey & { kid?: unknown })[]).map((jwk) => {
    if (typeof jwk?.kid !== 'string' || jwk.kid === '') throw new FormatError(`${shown}: a key has no "kid"`, { file: shown });
    const name = checkedKeyName(`${jwk.kid}.rsa.pub`, shown);
    if (jwk.kty !== 'RSA') throw new FormatError(`${shown}: key ${jwk.kid} is of type ${String(jwk.kty)}; only RSA keys verify APK signatures`, { file: shown });
    let pem: string;
    try {
      pem = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    } catch (err) {
      throw new FormatError(`${shown}: key ${jwk.kid} is not a valid RSA key: ${(err as Error).message}`, { file: shown, cause: err });
    }
    return { name, pem, url: `${base}/${name}` };
  });
}

/** True for the refusal that means "this repository does not offer discovery". */
export function isNotOffered(err: unknown): boolean {
  return err instanceof FetchError && err.status === 404;
}
