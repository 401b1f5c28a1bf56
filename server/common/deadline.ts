// Waiting for work with a bound: the work itself is never cancelled, only no longer waited for.

/** Whether `work` settled (fulfilled or rejected) within `ms`; it goes on either way. */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `call`'s outcome, or an Error with `message` once `ms` pass first. */
export async function withinOrFail<T>(call: Promise<T>, ms: number, message: string): Promise<T> {
  if (!(await settledWithin(call, ms))) throw new Error(message);
  return call;
}
