/**
 * Reads the window `[startIndex, startIndex + count)` of an upstream list that pages by limit/skip, in pages of
 * at most `pageSize`: one call per page of results, whatever the list's size. `count` 0 still makes one call,
 * for the total.
 */
export async function readWindow<T>(
  fetchPage: (page: { limit: number; skip: number }) => Promise<{ items: T[]; total: number }>,
  startIndex: number,
  count: number,
  pageSize: number,
): Promise<{ items: T[]; total: number }> {
  const items: T[] = [];
  let skip = startIndex - 1;
  let wanted = Math.max(count, 0);
  let total = 0;
  do {
    const limit = Math.max(1, Math.min(pageSize, wanted));
    const res = await fetchPage({ limit, skip });
    total = res.total;
    const got = wanted === 0 ? [] : res.items.slice(0, wanted);
    items.push(...got);
    wanted -= got.length;
    skip += res.items.length;
    if (res.items.length < limit || skip >= total) break;
  } while (wanted > 0);
  return { items, total };
}
