import { mapLimit } from './map-limit.js';

/** Upstream lists page by limit/skip. */
export interface PageRequest {
  limit: number;
  skip: number;
}

/** One page of an upstream list. `estimated`: the list did not say its total, so `total` is just this page's length. */
export interface PageOf<T> {
  items: T[];
  total: number;
  estimated?: boolean;
}

type FetchPage<T> = (page: PageRequest) => Promise<PageOf<T>>;

/** Whether `page` (fetched just before offset `next`) ends the list: a short page, or the known total reached. */
function isLastPage(page: PageOf<unknown>, next: number, pageSize: number): boolean {
  return page.items.length < pageSize || (!page.estimated && next >= page.total);
}

/**
 * Reads the window `[startIndex, startIndex + count)` of an upstream list, in pages of at most `pageSize`: one
 * call per page of results, whatever the list's size. `count` 0 still makes one call, for the total.
 */
export async function readWindow<T>(
  fetchPage: FetchPage<T>,
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

/**
 * Every item of a list, page by page, refusing lists longer than `max` (checked on every page, since a list can
 * grow while it is read): the bounded scan behind residual filters and bridge-side sorts.
 */
export async function scanAll<T>(
  fetchPage: FetchPage<T>,
  options: { pageSize: number; max: number; tooMany: (total: number) => Error },
): Promise<T[]> {
  const out: T[] = [];
  let skip = 0;
  for (;;) {
    const page = await fetchPage({ limit: options.pageSize, skip });
    if (page.total > options.max) throw options.tooMany(page.total);
    out.push(...page.items);
    skip += page.items.length;
    if (isLastPage(page, skip, options.pageSize)) return out;
  }
}

/**
 * Every page of a list, fast: after the first page the total is known, so the remaining pages are fetched
 * `concurrency` at a time; a list that grew meanwhile (or did not say its total) is followed one page at a time.
 */
export async function readAll<T>(fetchPage: FetchPage<T>, pageSize: number, concurrency: number): Promise<T[]> {
  let last = await fetchPage({ limit: pageSize, skip: 0 });
  const items = [...last.items];
  let next = pageSize;
  if (isLastPage(last, next, pageSize)) return items;
  const skips: number[] = [];
  for (let s = pageSize; s < last.total; s += pageSize) skips.push(s);
  if (skips.length) {
    const pages = await mapLimit(skips, concurrency, (s) => fetchPage({ limit: pageSize, skip: s }));
    for (const p of pages) items.push(...p.items);
    last = pages[pages.length - 1] ?? last;
    next = (skips[skips.length - 1] ?? 0) + pageSize;
  }
  while (!isLastPage(last, next, pageSize)) {
    last = await fetchPage({ limit: pageSize, skip: next });
    items.push(...last.items);
    next += pageSize;
  }
  return items;
}
