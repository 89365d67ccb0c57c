// Bounded waiting: every wait in the specs goes through here, so a failure fails with a message
// saying what was awaited and what was last seen, instead of hanging.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe()` until `accept(value)` is true (default: truthy), at most `timeout` ms.
 * Returns the accepted value; throws with `what` and the last value otherwise.
 */
export async function waitFor(what, probe, { timeout = 10_000, interval = 100, accept = (v) => !!v } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = lastError ? `last error: ${lastError.message}` : `last value: ${safeJson(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${seen})`);
    }
    await sleep(interval);
  }
}

/** Rejects after `ms` unless `promise` settles first. */
export function withTimeout(what, promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function safeJson(value) {
  try {
    const text = JSON.stringify(value);
    return text && text.length > 600 ? `${text.slice(0, 600)}…` : text;
  } catch {
    return String(value);
  }
}
