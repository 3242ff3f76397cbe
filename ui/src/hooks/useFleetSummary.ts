import { useRef } from 'react';
import type { Card } from '../state/fleetState';
import { summarize, updateSummary, type FleetSummary, type SummaryBasis } from '../state/fleetSummary';

/**
 * Counts and filter choices for `cards`, recounting only the cards that changed since the last
 * render; the first time from `seed` (the summary built while the list was loading) when there is one.
 */
export function useFleetSummary(cards: Record<string, Card>, seed: SummaryBasis | null): FleetSummary {
  const memo = useRef<{ basis: SummaryBasis; seed: SummaryBasis | null } | null>(null);
  const prev = memo.current;
  if (prev && prev.basis.cards === cards) return prev.basis.summary;
  // A new seed means a new list (a re-list after a RESYNC): start from it rather than diff 5,000 cards.
  const from = prev && prev.seed === seed ? prev.basis : seed;
  const summary = from ? updateSummary(from, cards) : summarize(cards);
  memo.current = { basis: { cards, summary }, seed };
  return summary;
}
