import { useEffect, useId, useState } from 'react';
import type { Role } from '../api/types';
import {
  STATUS_GROUP_LABELS,
  STATUS_GROUPS,
  type Facets,
  type GroupCounts,
  type StatusGroup,
  type TableQuery,
} from '../state/tableView';

interface Props {
  query: TableQuery;
  counts: GroupCounts;
  facets: Facets;
  shown: number;
  onChange: (change: Partial<TableQuery>, options?: { replace?: boolean }) => void;
}

/** Live counts per status group (each a filter toggle), then agent, type, role, search, view. */
export function FleetFilters({ query, counts, facets, shown, onChange }: Props) {
  const ids = { search: useId(), agent: useId(), type: useId(), role: useId() };
  // The box keeps what is typed; the URL (and the filter) follow a moment later.
  const [text, setText] = useState(query.q);
  useEffect(() => setText(query.q), [query.q]);
  useEffect(() => {
    if (text === query.q) return;
    const t = setTimeout(() => onChange({ q: text }, { replace: true }), 150);
    return () => clearTimeout(t);
  }, [text, query.q, onChange]);

  const toggleGroup = (g: StatusGroup) => {
    const groups = query.groups.includes(g) ? query.groups.filter((x) => x !== g) : [...query.groups, g];
    onChange({ groups: STATUS_GROUPS.filter((x) => groups.includes(x)) });
  };

  return (
    <div className="filters">
      <div className="counts" role="group" aria-label="Filter by status">
        {STATUS_GROUPS.map((g) => (
          <button
            key={g}
            type="button"
            className={`count count--${g}${counts[g] && g === 'failed' ? ' count--alert' : ''}`}
            aria-pressed={query.groups.includes(g)}
            data-group={g}
            onClick={() => toggleGroup(g)}
          >
            <strong className="count__n">{counts[g]}</strong> {STATUS_GROUP_LABELS[g].toLowerCase()}
          </button>
        ))}
        {query.groups.length > 0 && (
          <button type="button" className="button button--ghost button--small" onClick={() => onChange({ groups: [] })}>
            All statuses
          </button>
        )}
      </div>

      <div className="filters__row">
        <div className="filters__field filters__field--search">
          <label htmlFor={ids.search}>Search</label>
          <input
            id={ids.search}
            className="input"
            type="search"
            placeholder="Instance, EC2 or request id"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="filters__field">
          <label htmlFor={ids.agent}>Agent filter</label>
          <select id={ids.agent} className="input" value={query.agent ?? ''} onChange={(e) => onChange({ agent: e.target.value || null })}>
            <option value="">All agents</option>
            {facets.agents.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__field">
          <label htmlFor={ids.type}>Type filter</label>
          <select id={ids.type} className="input" value={query.type ?? ''} onChange={(e) => onChange({ type: e.target.value || null })}>
            <option value="">All types</option>
            {facets.types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__field">
          <label htmlFor={ids.role}>Role filter</label>
          <select
            id={ids.role}
            className="input"
            value={query.role ?? ''}
            onChange={(e) => onChange({ role: (e.target.value || null) as Role | null })}
          >
            <option value="">All roles</option>
            <option value="primary">primary</option>
            <option value="replica">replica</option>
          </select>
        </div>
        <div className="filters__field">
          <span className="filters__label" id={`${ids.role}-view`}>
            View
          </span>
          <div className="view-switch" role="group" aria-labelledby={`${ids.role}-view`}>
            <button type="button" aria-pressed={query.view === 'table'} onClick={() => onChange({ view: 'table' })}>
              Table
            </button>
            <button type="button" aria-pressed={query.view === 'cards'} onClick={() => onChange({ view: 'cards' })}>
              Cards
            </button>
          </div>
        </div>
      </div>
      <p className="filters__shown muted" aria-live="polite">
        {shown === counts.total ? `${counts.total} instances` : `${shown} of ${counts.total} instances shown`}
      </p>
    </div>
  );
}
