/**
 * Runs an image's HTTP service under runc and asks it one question: the OCI
 * layout is copied to a single-platform layout (umoci unpacks only those),
 * unpacked, and run as root with the host's network namespace (the network
 * namespace is removed from config.json), so the service answers on
 * 127.0.0.1. The port is polled until a deadline; the container is always
 * killed and deleted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh } from './cli';

/** What the container ran and answered. */
export interface Served {
  /** process.args and process.user of the unpacked bundle's config.json. */
  readonly args: readonly string[];
  readonly user: { readonly uid: number; readonly gid: number };
  readonly cwd: string;
  readonly env: readonly string[];
  /** Body of GET / */
  readonly body: string;
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`, or rejects at the deadline with what the container printed. */
async function waitForPort(port: number, deadlineMs: number, exited: () => string | undefined): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (open) return;
    const gone = exited();
    if (gone !== undefined) throw new Error(`the container exited before listening on ${port}:\n${gone}`);
    if (Date.now() > until) throw new Error(`nothing listened on 127.0.0.1:${port} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

/** Runs the image in `layout` (its only image) with `PORT=<free port>` and returns its answer to GET /. */
export async function serveImage(layout: string, name: string): Promise<Served> {
  const work = mkdtempSync(join(tmpdir(), 'apko-nx-serve-'));
  sh('skopeo', ['copy', '--override-arch', 'amd64', `oci:${layout}`, `oci:${join(work, 'single')}:img`]);
  sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
  const configPath = join(work, 'bundle', 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  const port = await freePort();
  const served = { args: [...config.process.args], user: { ...config.process.user }, cwd: config.process.cwd, env: [...config.process.env] };
  config.process.terminal = false;
  config.process.env.push(`PORT=${port}`);
  config.linux.namespaces = config.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
  writeFileSync(configPath, JSON.stringify(config));
  const id = `apko-nx-${name}-${process.pid}`;
  const child = spawn('runc', ['run', '--bundle', join(work, 'bundle'), id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exit: string | undefined;
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', (code) => ((exit = `exit ${code}\n${output}`), resolve())));
  try {
    await waitForPort(port, 30_000, () => exit);
    return { ...served, body: await get(port) };
  } finally {
    spawn('runc', ['kill', id, 'KILL'], { stdio: 'ignore' });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
    await new Promise((resolve) => spawn('runc', ['delete', '--force', id], { stdio: 'ignore' }).on('close', resolve));
  }
}
