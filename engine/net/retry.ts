/**
 * Retrying HTTP work the same way everywhere the engine talks to a server
 * (repositories and registries): which failures are transient, exponential
 * backoff with jitter between tries, and one error when the tries run out.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Total tries, first included. */
  readonly attempts: number;
  /** Delay before the second try; doubles each time. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay. */
  readonly maxDelayMs: number;
}

/** Five tries over about four seconds: rides out a mirror or registry restart without stalling a build for long. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/** HTTP statuses that redirect. */
export const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_CLOSED', 'ETRUNCATED',
]);

/** A failure worth another try; `status` is set for HTTP answers. */
export class Transient extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The transient error code somewhere in `err`'s cause chain, if any. */
export function transientCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * Runs `attempt` until it succeeds, throws something other than Transient,
 * or the tries run out; then throws what `exhausted` makes of the last failure.
 * When `signal` aborts during a backoff, the wait rejects with its abort error:
 * no try starts after the caller's deadline.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  exhausted: (last: Transient | undefined) => Error,
  signal?: AbortSignal,
): Promise<T> {
  let last: Transient | undefined;
  for (let i = 0; i < policy.attempts; i++) {
    if (i > 0) {
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (i - 1));
      // Jitter spreads parallel builds' retries; an aborted signal (the request's deadline) ends the wait and the retries.
      await delay(backoff / 2 + Math.random() * (backoff / 2), undefined, signal ? { signal } : undefined);
    }
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof Transient)) throw err;
      last = err;
    }
  }
  throw exhausted(last);
}
