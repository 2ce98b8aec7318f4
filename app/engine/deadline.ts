// Waiting with a deadline: for closing down, where one stuck piece (a dead
// network share, a login that never answers) must not hold the whole exit.

/** Resolves true when `work` settles within `ms` (either way), false when the deadline came first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) {
    await work.then(
      () => undefined,
      () => undefined,
    );
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
