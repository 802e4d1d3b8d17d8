import { Redis } from 'ioredis';
import { UserError } from '../../core/errors.js';

/**
 * The Redis a queued sweep runs on, named by one URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], or rediss://… for
 * TLS. The URL goes to ioredis as it is, so whatever ioredis reads from it (password, user, database, TLS) works.
 */
export interface QueueUrl {
  url: string;
  /** The URL with its password masked, for messages and logs. */
  shown: string;
  /** The flag (or setting) it came from, for error messages. */
  flag: string;
}

export function parseQueueUrl(value: string, flag = '--queue'): QueueUrl {
  const expected = 'expected redis://[:PASSWORD@]HOST:PORT[/DB], or rediss://… for TLS';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${flag} '${value}': not a URL; ${expected}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UserError(`${flag}: '${url.protocol}' URLs are not supported; ${expected}`);
  if (!url.hostname) throw new UserError(`${flag}: no host in the URL; ${expected}`);
  if (!/^\/?(\d+)?$/.test(url.pathname)) throw new UserError(`${flag}: '${url.pathname}' is not a database number; ${expected}`);
  const masked = new URL(value);
  if (masked.password) masked.password = '***';
  return { url: value, shown: masked.href, flag };
}

/**
 * How long a lost connection is retried before the command gives up with a message. Without a bound, ioredis
 * retries forever, and a sweep or worker whose Redis is gone for good would hang instead of saying so.
 */
export interface ReconnectPolicy {
  /** Reconnection attempts, 200 ms apart at first and then every 2 s. */
  attempts: number;
}

/** Commands a user waits on: about 20 s (200 ms, 400 ms, … then every 2 s). */
export const INTERACTIVE_RECONNECT: ReconnectPolicy = { attempts: 15 };
/** Workers ride out a Redis restart of up to about 5 minutes. */
export const WORKER_RECONNECT: ReconnectPolicy = { attempts: 150 };

/**
 * A connected client, or a UserError naming the URL and what went wrong (refused, unknown host, wrong password).
 * BullMQ wants `maxRetriesPerRequest: null` on the connections its workers block on; queues accept it too.
 */
export async function connectRedis(queue: QueueUrl, policy: ReconnectPolicy): Promise<Redis> {
  const redis = new Redis(queue.url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: 10_000,
    // The first connection is not retried: a wrong host, port or password is reported at once.
    retryStrategy: () => null,
  });
  // ioredis reports each failed attempt as an 'error' event; the last one says why, and the caller reports it once.
  let lastError: unknown = null;
  redis.on('error', (e) => (lastError = e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new UserError(`cannot use the Redis at ${queue.shown} (${queue.flag}): ${connectionProblem(lastError ?? e)}`);
  }
  // Later losses are retried for a while; BullMQ's duplicates of this client (a worker's blocking one) inherit it.
  redis.options.retryStrategy = (times) => (times > policy.attempts ? null : Math.min(200 * times, 2000));
  return redis;
}

function connectionProblem(e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  if (/^NOAUTH/.test(message)) return 'it asks for a password (NOAUTH); give it in the URL: redis://:PASSWORD@HOST:PORT';
  if (/^WRONGPASS/.test(message)) return 'wrong user name or password (WRONGPASS)';
  return message;
}

/** Resolves when the client has given up reconnecting, with the message a command prints before it exits. */
export function connectionLost(redis: Redis, queue: QueueUrl): Promise<string> {
  return new Promise((resolve) => {
    redis.once('end', () => resolve(`lost the connection to the Redis at ${queue.shown} (${queue.flag}) and could not reconnect`));
  });
}
