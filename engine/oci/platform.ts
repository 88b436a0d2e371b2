/**
 * OCI platforms for the architectures apko builds (reference §2.6). Accepts
 * either the apk name (`x86_64`) or the OCI one (`amd64`).
 */
import { ConfigError } from '../errors';

/** An image's OCI platform. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
}

const BY_NAME: Record<string, Platform> = {
  x86: { architecture: '386', os: 'linux' },
  '386': { architecture: '386', os: 'linux' },
  x86_64: { architecture: 'amd64', os: 'linux' },
  amd64: { architecture: 'amd64', os: 'linux' },
  aarch64: { architecture: 'arm64', os: 'linux' },
  arm64: { architecture: 'arm64', os: 'linux' },
  armhf: { architecture: 'arm', os: 'linux', variant: 'v6' },
  'arm/v6': { architecture: 'arm', os: 'linux', variant: 'v6' },
  armv7: { architecture: 'arm', os: 'linux', variant: 'v7' },
  'arm/v7': { architecture: 'arm', os: 'linux', variant: 'v7' },
  loongarch64: { architecture: 'loong64', os: 'linux' },
  loong64: { architecture: 'loong64', os: 'linux' },
  ppc64le: { architecture: 'ppc64le', os: 'linux' },
  riscv64: { architecture: 'riscv64', os: 'linux' },
  s390x: { architecture: 's390x', os: 'linux' },
};

/** The linux platform of an apk or OCI architecture name. */
export function platformForArch(arch: string): Platform {
  const p = Object.prototype.hasOwnProperty.call(BY_NAME, arch) ? BY_NAME[arch] : undefined;
  if (p === undefined) {
    throw new ConfigError(`unknown architecture "${arch}"`, {
      path: 'archs',
      hint: `use one of ${Object.keys(BY_NAME).join(', ')}`,
    });
  }
  return p;
}

/** The OCI arch string (`amd64`, `arm/v7`): the index sort key and docker tag suffix. */
export function archString(p: Platform): string {
  return p.variant ? `${p.architecture}/${p.variant}` : p.architecture;
}
