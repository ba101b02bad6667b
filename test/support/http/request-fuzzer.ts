import { isJsonError, rawRequest, type RawRequest, type RawResponse } from './raw-http';

/**
 * The seeded request fuzzer the services' fuzz tests share. A run is fixed by its seed
 * (FUZZ_SEED overrides a test's own), and a failing run names it, so any failure
 * reproduces with `FUZZ_SEED=<seed> npx jest <file>`.
 *
 * Requests go over raw sockets (raw-http.ts), so the mutations reach the server as
 * written: trailing, doubled and encoded path segments, repeated query parameters,
 * URLs and heads over the limits, any method.
 */
export interface Fuzzer {
  seed: number;
  /** A number in [0, 1). */
  next: () => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (probability: number) => boolean;
  /** `path`, or one of its malformed spellings (about half the time). */
  mutatePath: (path: string) => string;
  /** 0–3 parts picked from `parts` (so repeats happen), now and then one over the URL limit. */
  query: (parts: readonly string[]) => string;
  /** A method: mostly the usual ones, HEAD and OPTIONS included, sometimes one nothing serves. */
  method: () => string;
  /** Headers over the limit, now and then; otherwise none. */
  oversizedHeaders: () => Record<string, string>;
}

export function fuzzSeed(fallback: number): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && process.env.FUZZ_SEED !== '' ? fromEnv : fallback;
}

export function createFuzzer(seed: number): Fuzzer {
  let state = seed;
  /** mulberry32: a tiny seeded PRNG. */
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (probability: number) => next() < probability;

  const pathMutations: ((path: string) => string)[] = [
    (path) => `${path}/`,
    (path) => `/${path}`,
    (path) => path.replace(/\/([^/]*)$/, '//$1'),
    (path) => path.replace(/[a-z]/, (letter) => `%${letter.charCodeAt(0).toString(16)}`),
    (path) => path.toUpperCase(),
    (path) => `${path}/.`,
    (path) => `/.${path}`,
    (path) => `${path}/..`,
    (path) => `${path}%2F`,
    (path) => `${path}%00`,
    (path) => `${path}%zz`,
    (path) => `${path};x=1`,
    (path) => `${path}/${'a'.repeat(300)}`,
  ];

  return {
    seed,
    next,
    pick,
    chance,
    mutatePath: (path) => (chance(0.5) ? pick(pathMutations)(path) : path),
    query: (parts) => {
      const picked = Array.from({ length: Math.floor(next() * 4) }, () => pick(parts));
      if (chance(0.02)) picked.push(`pad=${'p'.repeat(9000)}`);
      return picked.length ? `?${picked.join('&')}` : '';
    },
    method: () => pick(['GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'PROPFIND']),
    oversizedHeaders: (): Record<string, string> => (chance(0.02) ? { 'X-Pad': 'p'.repeat(17_000) } : {}),
  };
}

/**
 * What no answer may be, whatever the input: a 5xx, or a 4xx that is not the JSON
 * error shape (a HEAD answer has no body: its Content-Type must still say JSON).
 * Undefined when the answer is fine.
 */
export function fuzzProblem(request: RawRequest, response: RawResponse): string | undefined {
  const { status } = response;
  let wrong = status >= 500;
  if (status >= 400 && !wrong) {
    wrong =
      request.method === 'HEAD'
        ? !(response.headers['content-type'] ?? '').startsWith('application/json')
        : !isJsonError(response.json);
  }
  if (!wrong) return undefined;
  const shown = JSON.stringify({ ...request, body: request.body?.slice(0, 100) }).slice(0, 400);
  return `${shown} → ${status} ${response.text.slice(0, 200)}`;
}

/**
 * Sends `count` requests made by `generate`, one after another, and throws, naming the
 * seed, when any answer is a problem (fuzzProblem) or a request gets no answer at all.
 */
export async function runFuzz(
  baseUrl: string,
  fuzzer: Fuzzer,
  count: number,
  generate: (fuzzer: Fuzzer) => RawRequest,
): Promise<void> {
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    const request = generate(fuzzer);
    try {
      const problem = fuzzProblem(request, await rawRequest(baseUrl, request));
      if (problem) problems.push(problem);
    } catch (error) {
      problems.push(`${JSON.stringify(request).slice(0, 400)} → no answer: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `fuzz seed ${fuzzer.seed} (rerun with FUZZ_SEED=${fuzzer.seed}): ${problems.length} of ${count} answers wrong:\n` +
        problems.slice(0, 20).join('\n'),
    );
  }
}
