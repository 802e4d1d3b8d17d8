import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../harness/core/errors.js';
import { connectRedis, INTERACTIVE_RECONNECT, parseQueueUrl } from '../harness/sweep/queue/queue-connection.js';
import { evaluationSummary } from '../harness/sweep/queue/run-job.js';
import { runCli } from './helpers/cli.js';
import { makeTestCertificate, startRedis } from './helpers/redis-server.js';

/** What a queued sweep needs before any run: the --queue URL, the connection (password, TLS), and lazy loading. */

test('--queue URLs: the password is masked in messages; other schemes, no host or a non-numeric database are refused', (t) => {
  const q = parseQueueUrl('redis://:s3cret@db.example:6380/2');
  t.is(q.url, 'redis://:s3cret@db.example:6380/2', 'passed to ioredis as given');
  t.is(q.shown, 'redis://:***@db.example:6380/2');
  t.is(parseQueueUrl('rediss://user:pw@db.example').shown, 'rediss://user:***@db.example');
  t.throws(() => parseQueueUrl('http://db.example:6379'), { instanceOf: UserError, message: /^--queue: 'http:' URLs are not supported; expected redis:\/\// });
  t.throws(() => parseQueueUrl('db.example'), { instanceOf: UserError, message: /^--queue 'db\.example': not a URL/ });
  t.throws(() => parseQueueUrl('redis://db.example/queue'), { instanceOf: UserError, message: /^--queue: '\/queue' is not a database number/ });
});

test('a job hands back its evaluation without the curves: scalars and small maps only', (t) => {
  const result = {
    protocol: 'lfw',
    dataset: 'synth-tiny-lfw',
    accuracy: 0.75,
    thresholds: [0.1, 0.2],
    roc: [{ fpr: 0, tpr: 0 }],
    tarAtFar: { '1e-3': 0.5, '1e-2': null },
    counts: { pairs: 600, folds: { sizes: [60, 60] }, positives: 300 },
  };
  t.deepEqual(evaluationSummary(result), {
    protocol: 'lfw',
    dataset: 'synth-tiny-lfw',
    accuracy: 0.75,
    tarAtFar: { '1e-3': 0.5, '1e-2': null },
    counts: { pairs: 600, folds: {}, positives: 300 },
  });
});

test('a password-protected Redis: the right password connects, a missing or wrong one is one clear line', async (t) => {
  const redis = await startRedis({ password: 'pw' });
  t.teardown(() => redis.stop());
  const client = await connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT);
  t.is(await client.ping(), 'PONG');
  client.disconnect();
  const bare = `redis://127.0.0.1:${redis.port}`;
  await t.throwsAsync(connectRedis(parseQueueUrl(bare), INTERACTIVE_RECONNECT), {
    instanceOf: UserError,
    message: `cannot use the Redis at ${bare} (--queue): it asks for a password (NOAUTH); give it in the URL: redis://:PASSWORD@HOST:PORT`,
  });
  await t.throwsAsync(connectRedis(parseQueueUrl(`redis://:nope@127.0.0.1:${redis.port}`), INTERACTIVE_RECONNECT), {
    instanceOf: UserError,
    message: `cannot use the Redis at redis://:***@127.0.0.1:${redis.port} (--queue): wrong user name or password (WRONGPASS)`,
  });
  await redis.stop();
  await t.throwsAsync(connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT), { instanceOf: UserError, message: /ECONNREFUSED/ });
});

test('rediss:// (TLS): `flb queue status` connects with the CA trusted the Node way; an untrusted certificate is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flb-tls-'));
  const tls = makeTestCertificate(dir);
  const redis = await startRedis({ password: 'pw', tls });
  t.teardown(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.regex(redis.url, /^rediss:\/\//);
  const r = await runCli(['queue', 'status', '--queue', redis.url, '--json'], { env: { NODE_EXTRA_CA_CERTS: tls.ca } });
  t.is(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { queue: string; counts: Record<string, number> };
  t.is(status.queue, `rediss://:***@127.0.0.1:${redis.port}`);
  t.is(status.counts.waiting, 0);
  // This process does not trust the test CA.
  await t.throwsAsync(connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT), { instanceOf: UserError, message: /: self-signed certificate in certificate chain$/ });
});

/** Bare package names a module reaches through static (non-type) imports, following our own files. */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  };
  visit(entry);
  return packages;
}

test('without --queue nothing of BullMQ or Redis is loaded: the CLI reaches them only through dynamic imports', (t) => {
  const harness = fileURLToPath(new URL('../harness/', import.meta.url));
  const cli = staticPackages(join(harness, 'cli', 'main.ts'));
  t.true(cli.has('commander') && cli.has('@tensorflow/tfjs'), 'the walk follows the CLI into its commands');
  t.false(cli.has('bullmq'));
  t.false(cli.has('ioredis'));
  // The same walk does find them where they are used.
  const worker = staticPackages(join(harness, 'sweep', 'queue', 'worker.ts'));
  t.true(worker.has('bullmq') && worker.has('ioredis'));
});
