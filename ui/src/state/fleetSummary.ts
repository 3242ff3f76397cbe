// The header's live counts per status group and the agent/type filters' choices, kept up to date by
// looking only at the cards that changed. Counting 5,000 cards twice per render (counts, then facets)
// was a large part of the first full render, and was repeated for every batch of stream events.

import type { Card } from './fleetState';
import { displayStatus } from './selectors';
import { statusGroup, type Facets, type GroupCounts, type TableQuery } from './tableView';

export interface FleetSummary {
  counts: GroupCounts;
  /** How many cards name each agent / instance type (a value leaves the filter when it drops to 0). */
  agents: ReadonlyMap<string, number>;
  types: ReadonlyMap<string, number>;
}

/** A summary together with the cards it describes: the starting point of the next update. */
export interface SummaryBasis {
  cards: Record<string, Card>;
  summary: FleetSummary;
}

export function emptyCounts(): GroupCounts {
  return { in_progress: 0, running: 0, failed: 0, ended: 0, total: 0 };
}

/** Mutable while being built; handed out as a FleetSummary. */
export interface SummaryBuilder {
  counts: GroupCounts;
  agents: Map<string, number>;
  types: Map<string, number>;
}

export function newSummaryBuilder(): SummaryBuilder {
  return { counts: emptyCounts(), agents: new Map(), types: new Map() };
}

function bump(map: Map<string, number>, value: string, by: 1 | -1): void {
  if (!value) return;
  const n = (map.get(value) ?? 0) + by;
  if (n > 0) map.set(value, n);
  else map.delete(value);
}

/** Adds (`by` 1) or removes (`by` -1) one card's contribution. */
export function countCard(into: SummaryBuilder, card: Card, by: 1 | -1): void {
  into.counts[statusGroup(displayStatus(card))] += by;
  into.counts.total += by;
  bump(into.agents, card.instance.agent_id, by);
  bump(into.types, card.instance.instance_type, by);
}

export function summarize(cards: Record<string, Card>): FleetSummary {
  const builder = newSummaryBuilder();
  for (const key in cards) countCard(builder, cards[key], 1);
  return builder;
}

/**
 * The summary of `next`, from the summary of `basis.cards`: only cards whose object changed are
 * recounted (the reducer replaces a card whenever it changes, and keeps every other one).
 */
export function updateSummary(basis: SummaryBasis, next: Record<string, Card>): FleetSummary {
  const previous = basis.cards;
  if (previous === next) return basis.summary;
  let builder: SummaryBuilder | null = null;
  const own = () =>
    (builder ??= {
      counts: { ...basis.summary.counts },
      agents: new Map(basis.summary.agents),
      types: new Map(basis.summary.types),
    });
  for (const key in next) {
    const before = previous[key];
    const after = next[key];
    if (before === after) continue;
    const b = own();
    if (before) countCard(b, before, -1);
    countCard(b, after, 1);
  }
  for (const key in previous) {
    if (!(key in next)) countCard(own(), previous[key], -1);
  }
  return builder ?? basis.summary;
}

/** The agent and type filters' choices: those present in the fleet, plus the chosen ones. */
export function summaryFacets(summary: FleetSummary, query?: Pick<TableQuery, 'agent' | 'type'>): Facets {
  const agents = [...summary.agents.keys()];
  const types = [...summary.types.keys()];
  if (query?.agent && !summary.agents.has(query.agent)) agents.push(query.agent);
  if (query?.type && !summary.types.has(query.type)) types.push(query.type);
  return { agents: agents.sort(), types: types.sort() };
}
