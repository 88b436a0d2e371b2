/**
 * A loopback Nx remote cache (the self-hosted cache API Nx ≥ 20.8 speaks
 * when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is set): `GET /v1/cache/<hash>`
 * returns a stored archive or 404, `PUT` stores one (409 when it exists, as
 * the spec requires of servers). Enough to show hits crossing checkouts.
 */
import { createServer, type Server } from 'node:http';

/** A running cache. */
export interface RemoteCache {
  readonly url: string;
  /** Hashes stored so far. */
  readonly hashes: ReadonlySet<string>;
  stop(): Promise<void>;
}

/** Starts the cache on 127.0.0.1 (a free port). */
export async function startRemoteCache(): Promise<RemoteCache> {
  const store = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const hash = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '')?.[1];
    if (hash === undefined) return res.writeHead(404).end();
    if (req.method === 'GET') {
      const body = store.get(hash);
      return body ? res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body) : res.writeHead(404).end();
    }
    if (req.method !== 'PUT') return res.writeHead(405).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (store.has(hash)) return res.writeHead(409).end();
      store.set(hash, Buffer.concat(chunks));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get hashes() {
      return new Set(store.keys());
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
