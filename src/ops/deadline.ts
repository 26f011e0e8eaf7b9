/** Resolves 'timeout' after `ms`, or as soon as `signal` aborts (at once when it already has). */
export function deadlineOf(ms: number, signal?: AbortSignal): Promise<'timeout'> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve('timeout');
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve('timeout');
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
