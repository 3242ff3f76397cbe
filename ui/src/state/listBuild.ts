// The cards of a freshly listed fleet, built off the reducer: one pass over plain objects, the parsed
// instances used as they are (the list response is ours alone, so no copy), in slices that yield to
// the main thread between them. Building 5,000 cards and rendering them in one task was the longest
// task of loading the page; the reducer then only lays our own requests in flight over the result.

import type { Instance, InstanceList } from '../api/types';
import type { Card } from './fleetState';
import { countCard, newSummaryBuilder, type SummaryBasis } from './fleetSummary';
import { sortedRows, type SortedRows, type TableQuery } from './tableView';

/** Instances per slice: well under a frame's worth of work each on a slow machine. */
export const LIST_SLICE = 1000;

export type ListedCards = Record<string, Card>;

/** The list's cards and their summary, and (when asked for) the table's rows for one query, sorted. */
export interface ListedBasis extends SummaryBasis {
  rows?: SortedRows;
}

/** A fetched list with everything built from it that the page's first full render needs. */
export interface PreparedList {
  list: InstanceList;
  listed: ListedBasis;
}

export function listedCard(instance: Instance): Card {
  return { key: instance.instance_id, instance, optimistic: false, pending: null, error: null, emergency: null };
}

export function buildListedCards(instances: readonly Instance[]): ListedCards {
  const cards: ListedCards = {};
  for (const instance of instances) cards[instance.instance_id] = listedCard(instance);
  return cards;
}

type SchedulerWithYield = { yield?: () => Promise<void> };

/** Lets the browser paint and handle input: `scheduler.yield()` where there is one, else a macrotask. */
export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: SchedulerWithYield }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface SliceOptions {
  sliceSize?: number;
  yieldToMain?: () => Promise<void>;
  /** Stops early (the page was left or the list superseded); the result is then incomplete. */
  signal?: AbortSignal;
  /** Also sorts the table's rows for this query, in a task of its own after the last slice. */
  query?: TableQuery;
}

/**
 * The same cards as `buildListedCards`, and their counts and filter choices (fleetSummary.ts), built
 * `sliceSize` instances per task.
 */
export async function buildListedCardsInSlices(instances: readonly Instance[], options: SliceOptions = {}): Promise<ListedBasis> {
  const size = Math.max(1, options.sliceSize ?? LIST_SLICE);
  const pause = options.yieldToMain ?? yieldToMain;
  const cards: ListedCards = {};
  const summary = newSummaryBuilder();
  for (let start = 0; start < instances.length; start += size) {
    if (start > 0) await pause();
    if (options.signal?.aborted) break;
    const end = Math.min(instances.length, start + size);
    for (let i = start; i < end; i++) {
      const card = listedCard(instances[i]);
      // A repeated id (never sent by the API) must not be counted twice.
      if (cards[card.key]) countCard(summary, cards[card.key], -1);
      cards[card.key] = card;
      countCard(summary, card, 1);
    }
  }
  if (!options.query || options.signal?.aborted) return { cards, summary };
  if (instances.length > 0) await pause();
  return { cards, summary, rows: sortedRows(cards, options.query) };
}

/**
 * A list made ready for the page while the page's script is still starting (api/prefetch.ts): its
 * cards, counts and filter choices built in slices, and the rows sorted for the query in the URL.
 */
export async function prepareList(list: InstanceList, options: SliceOptions = {}): Promise<PreparedList> {
  return { list, listed: await buildListedCardsInSlices(list.instances ?? [], options) };
}
