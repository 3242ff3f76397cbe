import { useRef } from 'react';
import type { Card } from '../state/fleetState';
import { rowsKey, selectRows, updateRows, type SortedRows, type TableQuery } from '../state/tableView';

/**
 * The table's rows, updated incrementally while only the instances change (see updateRows). `seed`:
 * rows already sorted for these cards (the list's, sorted while it was loading, listBuild.ts), taken
 * as they are when they match, so the first render of a freshly listed fleet does not sort it.
 */
export function useRows(cards: Record<string, Card>, query: TableQuery, seed?: SortedRows | null): Card[] {
  const memo = useRef<SortedRows | null>(null);
  const key = rowsKey(query);
  let prev = memo.current;
  if (seed && seed.cards === cards && prev?.cards !== cards) prev = seed;
  if (prev && prev.cards === cards && prev.key === key) {
    memo.current = prev;
    return prev.rows;
  }
  const rows = prev && prev.key === key ? updateRows(prev.rows, prev.cards, cards, query) : selectRows(cards, query);
  memo.current = { cards, key, rows };
  return rows;
}
