/**
 * CA certificates (apko `pkg/build/certificates.go`): certificates from
 * `certificates.additional` and from packages named in
 * `certificates.providers` are written to /usr/local/share/ca-certificates
 * and appended to every CA bundle the image has; then, always, each bundle
 * gets its `.<name>.sha256` sidecar. Nothing runs update-ca-certificates.
 * The Java truststore (JKS, `java-truststore.ts`) gets each certificate as a
 * trusted entry: `<name>-<sha256>` for additional ones, `pkg-<sha256>` for a
 * provider's. Bundles and the truststore then carry the build date as mtime.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { ApkPackage } from '../apk/package';
import { ConfigError } from '../errors';
import { rewriteFile } from './file-edit';
import { readJks, writeJks } from './java-truststore';
import type { CertificatesInput } from './options';
import { nodeBytes, type Tree } from './tree';

/** The bundles apko appends to, when they exist. */
export const CA_BUNDLES: readonly string[] = ['etc/ssl/certs/ca-certificates.crt', 'var/lib/ecs/deps/execute-command/certs/tls-ca-bundle.pem'];
const JAVA_TRUSTSTORE = 'etc/ssl/certs/java/cacerts';
const CERT_DIR = 'usr/local/share/ca-certificates';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const NAME = /^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$/;

/** Parses text holding exactly one PEM CERTIFICATE; undefined when it does not. */
function oneCertificate(text: string): X509Certificate | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || blocks[0]![1] !== 'CERTIFICATE') return undefined;
  try {
    return new X509Certificate(blocks[0]![0]);
  } catch {
    return undefined;
  }
}

/** Certificate files the named provider packages install, in path order. */
function providedCertificates(tree: Tree, installed: readonly ApkPackage[], providers: readonly string[]): Array<{ cert: X509Certificate; alias: string }> {
  const wanted = new Set(providers);
  const owners = new Set(
    installed
      .filter((p) => wanted.has(p.pkginfo.pkgname) || p.pkginfo.provides.some((pr) => wanted.has(pr.split('=')[0]!)))
      .map((p) => p.pkginfo.pkgname),
  );
  const certs: Array<{ cert: X509Certificate; alias: string }> = [];
  for (const path of tree.below(CERT_DIR)) {
    const node = tree.get(path);
    if (node?.type !== 'file' || !node.owner || !owners.has(node.owner) || !/\.(crt|pem)$/.test(path)) continue;
    const cert = oneCertificate(nodeBytes(node).toString('utf8'));
    if (cert) certs.push({ cert, alias: `pkg-${fingerprint(cert)}` });
  }
  return certs;
}

function fingerprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/** Adds the certificates to the truststore at `path` as trusted entries dated `buildDate`. */
function addToTruststore(tree: Tree, path: string, certs: ReadonlyArray<{ cert: X509Certificate; alias: string }>, buildDate: number): void {
  const node = tree.stat(path)!;
  const store = readJks(tree.readFile(path)!, `/${path}`);
  for (const { cert, alias } of certs) {
    store.set(alias.toLowerCase(), { kind: 'trusted', created: BigInt(buildDate) * 1000n, certificate: { type: 'X.509', content: cert.raw } });
  }
  rewriteFile(tree, path, writeJks(store));
  node.mtime = buildDate;
}

/** Applies `certificates` and writes the bundle checksums; returns warnings. */
export function installCertificates(
  tree: Tree,
  input: { certificates?: CertificatesInput; installed: readonly ApkPackage[]; buildDate: number },
): string[] {
  const warnings: string[] = [];
  const attrs = { mode: 0o644, mtime: input.buildDate };
  if (input.certificates) {
    const collected: Array<{ cert: X509Certificate; alias: string }> = [];
    for (const [i, extra] of input.certificates.additional.entries()) {
      const where = `certificates.additional[${i}] "${extra.name}"`;
      if (!NAME.test(extra.name)) throw new ConfigError(`${where}: the name may only hold letters, digits, "_", "-" and "."`, { path: `certificates.additional[${i}].name` });
      const cert = oneCertificate(extra.content);
      if (!cert) {
        throw new ConfigError(`${where} must be exactly one PEM CERTIFICATE block`, {
          path: `certificates.additional[${i}].content`,
          hint: 'paste the certificate as "-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----"',
        });
      }
      tree.mkdirAll(CERT_DIR, { mode: 0o755 });
      tree.writeFile(`${CERT_DIR}/${extra.name}-${fingerprint(cert)}.crt`, cert.toString(), attrs);
      collected.push({ cert, alias: `${extra.name}-${fingerprint(cert)}` });
    }
    collected.push(...providedCertificates(tree, input.installed, input.certificates.providers));
    // Each certificate, then an empty line, as update-ca-certificates separates them.
    const pem = collected.map(({ cert }) => `${cert.toString().trimEnd()}\n\n`).join('');
    if (collected.length > 0) {
      for (const bundle of CA_BUNDLES) {
        const current = tree.readFile(bundle);
        if (current === undefined) continue;
        rewriteFile(tree, bundle, Buffer.concat([current, Buffer.from(pem)]));
        tree.stat(bundle)!.mtime = input.buildDate;
      }
      if (tree.readFile(JAVA_TRUSTSTORE) !== undefined) addToTruststore(tree, JAVA_TRUSTSTORE, collected, input.buildDate);
    }
  }
  for (const bundle of [...CA_BUNDLES, JAVA_TRUSTSTORE]) {
    const data = tree.readFile(bundle);
    if (data === undefined) continue;
    const dir = bundle.split('/').slice(0, -1).join('/');
    const base = bundle.split('/').pop()!;
    tree.writeFile(`${dir}/.${base}.sha256`, `${createHash('sha256').update(data).digest('hex')}  ${base}\n`, { mode: 0o444, mtime: input.buildDate });
  }
  return warnings;
}
