// The fleet list is the page's largest request. With a token saved in this tab it is asked for at
// once, beside the sign-in check, instead of after that check and the page's first render (a
// waterfall of two round trips and a render before the first row could show). index.html asks for
// both even earlier, while this script downloads; `earlyResponse` hands those requests over.
// The list is then made ready for the page (its cards, counts and sorted rows, listBuild.ts) while
// the sign-in check is still answered, so the page can show the whole table in its first render.

import type { PreparedList } from '../state/listBuild';

type Early = { token: string; me?: Promise<Response>; list?: Promise<Response> };

/** The request index.html made for this token, once each; null when it made none. */
export function earlyResponse(token: string, which: 'me' | 'list'): Promise<Response> | null {
  const w = globalThis as { __spotEarly?: Early };
  const early = w.__spotEarly;
  if (!early) return null;
  const response = early.token === token ? (early[which] ?? null) : null;
  delete early[which];
  if (!early.me && !early.list) delete w.__spotEarly;
  return response;
}

let prefetched: { token: string; list: Promise<PreparedList>; ready: PreparedList | null } | null = null;

export function prefetchInstances(token: string, load: () => Promise<PreparedList>): void {
  const entry: { token: string; list: Promise<PreparedList>; ready: PreparedList | null } = { token, list: load(), ready: null };
  // Whoever takes it sees the failure; an untaken one must not be reported as unhandled.
  entry.list.then(
    (prepared) => {
      entry.ready = prepared;
    },
    () => undefined,
  );
  prefetched = entry;
}

/** The prefetched list for this token, once; null when there is none (then fetch as usual). */
export function takePrefetchedInstances(token: string): Promise<PreparedList> | null {
  const p = prefetched;
  prefetched = null;
  return p && p.token === token ? p.list : null;
}

/**
 * The prefetched list for this token if it is already loaded and prepared, without taking it (the
 * page's first render starts from it; `takePrefetchedInstances` then hands over the same list).
 */
export function readyPrefetchedInstances(token: string): PreparedList | null {
  return prefetched && prefetched.token === token ? prefetched.ready : null;
}

export function dropPrefetchedInstances(): void {
  prefetched = null;
}
