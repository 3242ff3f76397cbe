import { describe, expect, it } from 'vitest';
import {
  countByGroup,
  DEFAULT_QUERY,
  facets,
  formatAge,
  parseQuery,
  rowsKey,
  selectRows,
  serializeQuery,
  sortedRows,
  statusGroup,
  type TableQuery,
  updateRows,
} from './tableView';
import { byKey, card } from './testCards';

const fleet = byKey([
  card({ instance_id: 'a', ec2_instance_id: 'i-0aaa', request_id: 'req-alpha', status: 'running_primary', launch_requested_at: '2025-01-01T10:00:00Z', launch_duration_seconds: 20 }),
  card({ instance_id: 'b', ec2_instance_id: null, request_id: 'req-beta', status: 'launching', instance_type: 'm5.large', launch_requested_at: '2025-01-01T10:05:00Z' }),
  card({ instance_id: 'c', ec2_instance_id: 'i-0ccc', request_id: 'req-gamma', status: 'launch_timed_out', agent_id: 'other-agent', launch_requested_at: '2025-01-01T09:00:00Z' }),
  card({ instance_id: 'd', ec2_instance_id: 'i-0ddd', request_id: 'req-delta', status: 'terminated', role: 'replica', launch_requested_at: '2025-01-01T08:00:00Z', launch_duration_seconds: 5 }),
  card({ instance_id: 'e', ec2_instance_id: 'i-0eee', request_id: 'req-eps', status: 'running_replica', role: 'replica', launch_requested_at: '2025-01-01T10:01:00Z' }, { pending: 'terminate' }),
]);
const q = (over: Partial<TableQuery> = {}): TableQuery => ({ ...DEFAULT_QUERY, ...over });
const ids = (query: TableQuery) => selectRows(fleet, query).map((c) => c.key);

describe('status groups', () => {
  it('put every status in one of in progress, running, failed, ended', () => {
    expect(statusGroup('launching')).toBe('in_progress');
    expect(statusGroup('promoting')).toBe('in_progress');
    expect(statusGroup('running_replica')).toBe('running');
    expect(statusGroup('launch_failed')).toBe('failed');
    expect(statusGroup('termination_timed_out')).toBe('failed');
    expect(statusGroup('terminated')).toBe('ended');
  });

  it('count live by what the row shows (our terminate in flight counts as in progress)', () => {
    expect(countByGroup(fleet)).toEqual({ in_progress: 2, running: 1, failed: 1, ended: 1, total: 5 });
  });
});

describe('filters and search', () => {
  it('filter by status groups, agent, type and role', () => {
    expect(ids(q({ groups: ['failed', 'ended'] })).sort()).toEqual(['c', 'd']);
    expect(ids(q({ agent: 'other-agent' }))).toEqual(['c']);
    expect(ids(q({ type: 'm5.large' }))).toEqual(['b']);
    expect(ids(q({ role: 'replica' })).sort()).toEqual(['d', 'e']);
    expect(ids(q({ role: 'replica', groups: ['ended'] }))).toEqual(['d']);
  });

  it('search matches instance id, EC2 id and request id, case-insensitively', () => {
    expect(ids(q({ q: 'I-0CCC' }))).toEqual(['c']);
    expect(ids(q({ q: 'beta' }))).toEqual(['b']);
    expect(ids(q({ q: ' d ' }))).toEqual(['d']);
    expect(ids(q({ q: 'nothing-like-it' }))).toEqual([]);
  });

  it('offer the agents and types present, plus a chosen one that is gone', () => {
    expect(facets(fleet)).toEqual({ agents: ['demo-agent', 'other-agent'], types: ['m5.large', 't3.micro'] });
    expect(facets(fleet, q({ type: 'c7g.xlarge' })).types).toContain('c7g.xlarge');
  });
});

describe('sorting', () => {
  it('defaults to the youngest first, and reverses', () => {
    expect(ids(q())).toEqual(['b', 'e', 'a', 'c', 'd']);
    expect(ids(q({ dir: 'desc' }))).toEqual(['d', 'c', 'a', 'e', 'b']);
  });

  it('sorts by status group, then keeps rows without a value last in both directions', () => {
    expect(ids(q({ sort: 'status' }))[0]).toMatch(/[be]/);
    expect(ids(q({ sort: 'launch' }))).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(ids(q({ sort: 'launch', dir: 'desc' })).slice(0, 2)).toEqual(['a', 'd']);
  });

  it('keeps our launches without an answer on top', () => {
    const withPending = { ...fleet, 'pending:x': card({ instance_id: '', request_id: 'x', status: 'launching', launch_requested_at: '2020-01-01T00:00:00Z' }, { key: 'pending:x', optimistic: true }) };
    expect(selectRows(withPending, q({ dir: 'desc' }))[0].key).toBe('pending:x');
  });
});

describe('the URL', () => {
  it('round-trips every part of the query, writing only what differs from the defaults', () => {
    const query = q({ groups: ['running', 'failed'], agent: 'demo-agent', type: 't3.micro', role: 'replica', q: 'i-0a', sort: 'launch', dir: 'desc', open: 'inst-9', view: 'cards' });
    const s = serializeQuery(query);
    expect(s).toBe('?view=cards&status=running%2Cfailed&agent=demo-agent&type=t3.micro&role=replica&q=i-0a&sort=launch&dir=desc&open=inst-9');
    expect(parseQuery(s)).toEqual(query);
    expect(serializeQuery(DEFAULT_QUERY)).toBe('');
    expect(parseQuery('')).toEqual(DEFAULT_QUERY);
  });

  it('ignores values it does not know', () => {
    expect(parseQuery('?status=bogus,ended&role=king&sort=nope&dir=sideways&view=grid')).toEqual(q({ groups: ['ended'] }));
  });
});

it('formats ages', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  expect(formatAge('2025-01-01T11:59:48Z', now)).toBe('12 s');
  expect(formatAge('2025-01-01T11:55:55Z', now)).toBe('4 min 05 s');
  expect(formatAge('2025-01-01T09:58:00Z', now)).toBe('2 h 02 min');
  expect(formatAge('2024-12-30T10:00:00Z', now)).toBe('2 d 2 h');
  expect(formatAge(null, now)).toBeNull();
});

describe('incremental rows', () => {
  it('equal a full filter and sort after each change, for every sort key and direction', () => {
    let cards = fleet;
    const queries = (['status', 'instance', 'role', 'type', 'agent', 'age', 'launch', 'termination'] as const).flatMap((sort) =>
      (['asc', 'desc'] as const).map((dir) => q({ sort, dir })),
    );
    queries.push(q({ groups: ['running', 'in_progress'] }), q({ q: 'i-0' }));
    const rows = queries.map((query) => selectRows(cards, query));
    const changes = [
      { ...cards, a: card({ ...cards.a.instance, status: 'terminating', version: 2 }) },
      { ...cards, f: card({ instance_id: 'f', ec2_instance_id: 'i-0fff', status: 'launching', launch_requested_at: '2025-01-01T10:02:00Z' }) },
      (() => {
        const { b: _gone, ...rest } = cards;
        return rest;
      })(),
      { ...cards, d: card({ ...cards.d.instance, launch_duration_seconds: 999, termination_duration_seconds: 3 }) },
    ];
    for (const next of changes) {
      queries.forEach((query, i) => {
        const incremental = updateRows(rows[i], cards, next, query);
        expect(incremental.map((c) => c.key)).toEqual(selectRows(next, query).map((c) => c.key));
        rows[i] = incremental;
      });
      cards = next;
    }
  });

  it('returns the same array when nothing changed', () => {
    const rows = selectRows(fleet, q());
    expect(updateRows(rows, fleet, { ...fleet }, q())).toBe(rows);
  });
});

describe('rows sorted ahead', () => {
  it('are the rows selectRows gives, keyed by what decides them (not the open instance or the view)', () => {
    const query = q({ sort: 'launch', dir: 'desc', groups: ['running', 'ended'] });
    const sorted = sortedRows(fleet, query);
    expect(sorted.cards).toBe(fleet);
    expect(sorted.rows).toEqual(selectRows(fleet, query));
    expect(sorted.key).toBe(rowsKey(query));
    expect(rowsKey({ ...query, open: 'a', view: 'cards' })).toBe(sorted.key);
    expect(rowsKey({ ...query, q: 'i-0' })).not.toBe(sorted.key);
    expect(rowsKey({ ...query, dir: 'asc' })).not.toBe(sorted.key);
  });
});
