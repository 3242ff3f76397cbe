// The table view's query: status groups, agent, type, role, free-text search, sort, the open
// instance and the view mode. It lives in the URL (?status=running,failed&agent=…&q=…&sort=age&dir=desc
// &open=<instance_id>&view=cards), so back/forward and reload keep it; everything here is pure.

import type { InstanceStatus, Role } from '../api/types';
import type { Card } from './fleetState';
import { displayStatus } from './selectors';

export const STATUS_GROUPS = ['in_progress', 'running', 'failed', 'ended'] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

export const STATUS_GROUP_LABELS: Record<StatusGroup, string> = {
  in_progress: 'In progress',
  running: 'Running',
  failed: 'Failed',
  ended: 'Ended',
};

export function statusGroup(status: InstanceStatus): StatusGroup {
  switch (status) {
    case 'launching':
    case 'terminating':
    case 'promoting':
      return 'in_progress';
    case 'running_primary':
    case 'running_replica':
      return 'running';
    case 'terminated':
      return 'ended';
    default:
      return 'failed';
  }
}

export const SORT_KEYS = ['status', 'instance', 'role', 'type', 'agent', 'age', 'launch', 'termination'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export type ViewMode = 'table' | 'cards';

export interface TableQuery {
  /** Empty: every group. */
  groups: StatusGroup[];
  agent: string | null;
  type: string | null;
  role: Role | null;
  q: string;
  sort: SortKey;
  dir: SortDir;
  /** The instance whose detail panel is open. */
  open: string | null;
  view: ViewMode;
}

export const DEFAULT_QUERY: TableQuery = {
  groups: [],
  agent: null,
  type: null,
  role: null,
  q: '',
  sort: 'age',
  dir: 'asc',
  open: null,
  view: 'table',
};

export function parseQuery(search: string): TableQuery {
  const p = new URLSearchParams(search);
  const groups = (p.get('status') ?? '')
    .split(',')
    .filter((g): g is StatusGroup => (STATUS_GROUPS as readonly string[]).includes(g));
  const role = p.get('role');
  const sort = p.get('sort');
  return {
    groups: STATUS_GROUPS.filter((g) => groups.includes(g)),
    agent: p.get('agent') || null,
    type: p.get('type') || null,
    role: role === 'primary' || role === 'replica' ? role : null,
    q: p.get('q') ?? '',
    sort: sort && (SORT_KEYS as readonly string[]).includes(sort) ? (sort as SortKey) : DEFAULT_QUERY.sort,
    dir: p.get('dir') === 'desc' ? 'desc' : p.get('dir') === 'asc' ? 'asc' : DEFAULT_QUERY.dir,
    open: p.get('open') || null,
    view: p.get('view') === 'cards' ? 'cards' : 'table',
  };
}

/** Only what differs from the defaults, in a stable order: `?status=running&q=i-0a`. */
export function serializeQuery(query: TableQuery): string {
  const p = new URLSearchParams();
  if (query.view !== DEFAULT_QUERY.view) p.set('view', query.view);
  if (query.groups.length) p.set('status', query.groups.join(','));
  if (query.agent) p.set('agent', query.agent);
  if (query.type) p.set('type', query.type);
  if (query.role) p.set('role', query.role);
  if (query.q) p.set('q', query.q);
  if (query.sort !== DEFAULT_QUERY.sort || query.dir !== DEFAULT_QUERY.dir) {
    p.set('sort', query.sort);
    p.set('dir', query.dir);
  }
  if (query.open) p.set('open', query.open);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Instance id, EC2 id or request id contains the text (case-insensitive). */
export function matchesSearch(card: Card, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  const { instance_id, ec2_instance_id, request_id } = card.instance;
  return (
    (instance_id ?? '').toLowerCase().includes(needle) ||
    (ec2_instance_id ?? '').toLowerCase().includes(needle) ||
    (request_id ?? '').toLowerCase().includes(needle)
  );
}

export function matchesFilters(card: Card, query: TableQuery): boolean {
  const i = card.instance;
  if (query.groups.length && !query.groups.includes(statusGroup(displayStatus(card)))) return false;
  if (query.agent && i.agent_id !== query.agent) return false;
  if (query.type && i.instance_type !== query.type) return false;
  if (query.role && i.role !== query.role) return false;
  return matchesSearch(card, query.q);
}

const GROUP_ORDER: Record<StatusGroup, number> = { in_progress: 0, failed: 1, running: 2, ended: 3 };

function ms(iso: string | null | undefined): number {
  if (!iso) return Number.NaN;
  return Date.parse(iso);
}

type Key = string | number;

/** Missing values sort last in either direction. */
function sortValue(card: Card, key: SortKey): Key | null {
  const i = card.instance;
  switch (key) {
    case 'status': {
      const s = displayStatus(card);
      return `${GROUP_ORDER[statusGroup(s)]}${s}`;
    }
    case 'instance':
      return i.ec2_instance_id ?? i.instance_id ?? null;
    case 'role':
      return i.role;
    case 'type':
      return i.instance_type;
    case 'agent':
      return i.agent_id;
    case 'age': {
      // Age ascending = youngest first = newest launch request first.
      const t = ms(i.launch_requested_at);
      return Number.isNaN(t) ? null : -t;
    }
    case 'launch':
      return i.launch_duration_seconds ?? null;
    case 'termination':
      return i.termination_duration_seconds ?? null;
  }
}

function compare(a: Key | null, b: Key | null, dir: SortDir): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return dir === 'asc' ? c : -c;
}

/** What decides which rows are shown and in which order (the open instance and the view do not). */
export function rowsKey(query: TableQuery): string {
  return `${query.groups.join()}|${query.agent}|${query.type}|${query.role}|${query.q}|${query.sort}|${query.dir}`;
}

/** The table's rows for one query, with the cards they were selected from: what `useRows` goes on from. */
export interface SortedRows {
  cards: Record<string, Card>;
  key: string;
  rows: Card[];
}

export function sortedRows(cards: Record<string, Card>, query: TableQuery): SortedRows {
  return { cards, key: rowsKey(query), rows: selectRows(cards, query) };
}

/** The rows of the table: filtered, then sorted; our launches without an answer stay on top. */
export function selectRows(cards: Record<string, Card>, query: TableQuery): Card[] {
  // Sort keys computed once per card into a parallel array, and indexes sorted (no object per row).
  const shown: Card[] = [];
  const values: (Key | null)[] = [];
  for (const key in cards) {
    const card = cards[key];
    if (matchesFilters(card, query)) {
      shown.push(card);
      values.push(sortValue(card, query.sort));
    }
  }
  const order = Array.from(shown.keys());
  order.sort((x, y) => rowOrder(shown[x], values[x], shown[y], values[y], query.dir));
  return order.map((i) => shown[i]);
}

export type GroupCounts = Record<StatusGroup, number> & { total: number };

export function countByGroup(cards: Record<string, Card>): GroupCounts {
  const counts: GroupCounts = { in_progress: 0, running: 0, failed: 0, ended: 0, total: 0 };
  for (const card of Object.values(cards)) {
    counts[statusGroup(displayStatus(card))]++;
    counts.total++;
  }
  return counts;
}

export interface Facets {
  agents: string[];
  types: string[];
}

/** The values the agent and type filters offer: those present in the fleet (plus the chosen ones). */
export function facets(cards: Record<string, Card>, query?: TableQuery): Facets {
  const agents = new Set<string>();
  const types = new Set<string>();
  for (const card of Object.values(cards)) {
    if (card.instance.agent_id) agents.add(card.instance.agent_id);
    if (card.instance.instance_type) types.add(card.instance.instance_type);
  }
  if (query?.agent) agents.add(query.agent);
  if (query?.type) types.add(query.type);
  return { agents: [...agents].sort(), types: [...types].sort() };
}

/** "2 h 05 min", "4 min 05 s", "12 s" since a timestamp. */
export function formatAge(iso: string | null | undefined, now: number): string | null {
  const t = ms(iso);
  if (Number.isNaN(t)) return null;
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/**
 * The same rows as `selectRows(next, query)`, computed from the previous result when only a few
 * instances changed (the stream's usual case): each changed card leaves its old place and is put
 * in its new one by binary search, instead of filtering and sorting all of them again.
 */
export function updateRows(
  previousRows: Card[],
  previousCards: Record<string, Card>,
  nextCards: Record<string, Card>,
  query: TableQuery,
): Card[] {
  // Many changes (a re-list): sorting everything is as cheap and simpler; stop looking at the 65th.
  const changed: string[] = [];
  for (const key in nextCards) {
    if (nextCards[key] !== previousCards[key] && changed.push(key) > MAX_INCREMENTAL) return selectRows(nextCards, query);
  }
  for (const key in previousCards) {
    if (!(key in nextCards) && changed.push(key) > MAX_INCREMENTAL) return selectRows(nextCards, query);
  }
  if (changed.length === 0) return previousRows;
  const rows = previousRows.slice();
  for (const key of changed) {
    const old = previousCards[key];
    if (old) {
      const i = rowIndex(rows, old, query);
      if (i >= 0) rows.splice(i, 1);
    }
    const card = nextCards[key];
    if (card && matchesFilters(card, query)) rows.splice(insertionIndex(rows, card, query), 0, card);
  }
  return rows;
}

function rowOrder(a: Card, av: Key | null, b: Card, bv: Key | null, dir: SortDir): number {
  if (a.optimistic !== b.optimistic) return a.optimistic ? -1 : 1;
  return compare(av, bv, dir) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const MAX_INCREMENTAL = 64;

/** Where `card` is in sorted `rows`: a binary search (the order has no ties), not a scan of 5,000 rows. */
function rowIndex(rows: Card[], card: Card, query: TableQuery): number {
  const i = insertionIndex(rows, card, query) - 1;
  if (i >= 0 && rows[i] === card) return i;
  return rows.indexOf(card);
}

function insertionIndex(rows: Card[], card: Card, query: TableQuery): number {
  const v = sortValue(card, query.sort);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowOrder(rows[mid], sortValue(rows[mid], query.sort), card, v, query.dir) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
