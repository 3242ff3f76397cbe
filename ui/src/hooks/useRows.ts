import { useRef } from 'react';
import type { Card } from '../state/fleetState';
import { selectRows, updateRows, type TableQuery } from '../state/tableView';

/** The table's rows, updated incrementally while only the instances change (see updateRows). */
export function useRows(cards: Record<string, Card>, query: TableQuery): Card[] {
  const memo = useRef<{ cards: Record<string, Card>; key: string; rows: Card[] } | null>(null);
  const key = `${query.groups.join()}|${query.agent}|${query.type}|${query.role}|${query.q}|${query.sort}|${query.dir}`;
  const prev = memo.current;
  if (prev && prev.cards === cards && prev.key === key) return prev.rows;
  const rows = prev && prev.key === key ? updateRows(prev.rows, prev.cards, cards, query) : selectRows(cards, query);
  memo.current = { cards, key, rows };
  return rows;
}
