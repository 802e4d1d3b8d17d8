import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A redis-server of the test's own (Debian's package; .ci/run installs it): a free loopback port, a temporary
 * folder, no persistence, optionally a password and TLS only. Stopped by its pid.
 */
export interface TestRedis {
  port: number;
  /** redis://[:password@]127.0.0.1:port, or rediss://… with TLS */
  url: string;
  stop(): Promise<void>;
}

export interface RedisTls {
  cert: string;
  key: string;
  ca: string;
}

export async function startRedis(opts: { password?: string; tls?: RedisTls } = {}): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run installs it)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flb-redis-'));
  const listen = opts.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  if (opts.password) args.push('--requirepass', opts.password);
  const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(server);
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    port,
    url: `${opts.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Redis prints this line once it accepts connections. */
function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 20 s:\n${output}`)), 20_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A throw-away CA and a server certificate for 127.0.0.1 signed by it (openssl; .ci/run installs it). */
export function makeTestCertificate(dir: string): RedisTls {
  const paths = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca.key'), key: join(dir, 'server.key'), csr: join(dir, 'server.csr'), cert: join(dir, 'server.pem'), ext: join(dir, 'san.cnf') };
  writeFileSync(paths.ext, 'subjectAltName=IP:127.0.0.1\n');
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', paths.caKey, '-out', paths.ca, '-days', '2', '-subj', '/CN=flb test CA'],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', paths.key, '-out', paths.csr, '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', paths.csr, '-CA', paths.ca, '-CAkey', paths.caKey, '-CAcreateserial', '-out', paths.cert, '-days', '2', '-extfile', paths.ext],
  ];
  for (const args of steps) {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.error) throw new Error('openssl is not installed: apt-get install openssl (.ci/run installs it)');
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  }
  return { cert: paths.cert, key: paths.key, ca: paths.ca };
}
