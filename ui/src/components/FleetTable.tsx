import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Agent } from '../api/types';
import { useNow } from '../hooks/useNow';
import type { Card } from '../state/fleetState';
import { formatDuration } from '../state/format';
import { displayStatus, instanceLabel, queuedReason } from '../state/selectors';
import { formatAge, serializeQuery, type SortKey, type TableQuery } from '../state/tableView';
import { rowWindow, scrollToRow } from '../state/virtualWindow';
import { AgentIndicator } from './AgentIndicator';
import { StatusBadge } from './StatusBadge';

export const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 40;
/** jsdom (and a hidden tab) report no height: render a screenful anyway. */
const FALLBACK_VIEWPORT = 640;
/** Rows rendered beyond each edge of the view, so that scrolling does not show blank rows. */
const OVERSCAN = 8;

interface Column {
  key: SortKey;
  label: string;
  className?: string;
}

const COLUMNS: Column[] = [
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'instance', label: 'Instance', className: 'col-instance' },
  { key: 'role', label: 'Role', className: 'col-role' },
  { key: 'type', label: 'Type', className: 'col-type' },
  { key: 'agent', label: 'Agent', className: 'col-agent' },
  { key: 'age', label: 'Age', className: 'col-num col-age' },
  { key: 'launch', label: 'Launch', className: 'col-num col-launch' },
  { key: 'termination', label: 'Termination', className: 'col-num col-termination' },
];

interface Props {
  rows: Card[];
  agents: Record<string, Agent>;
  query: TableQuery;
  selected: ReadonlySet<string>;
  onSort: (key: SortKey) => void;
  onOpen: (instanceId: string) => void;
  onToggle: (instanceId: string) => void;
  onToggleAll: (select: boolean) => void;
}

/**
 * The fleet as a table: one row per instance, only the rows in view are in the DOM (5,000 instances
 * stay smooth). Keyboard: Tab into the table lands on one row; ↑/↓, PgUp/PgDn, Home/End move; Enter
 * opens the detail; Space selects. Each row's instance id is also a link (?open=…), so it can be
 * opened in a new tab.
 */
export function FleetTable({ rows, agents, query, selected, onSort, onOpen, onToggle, onToggleAll }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const frame = useRef(0);
  const now = useNow(true, 1000);
  // The rows beyond the view are for scrolling: the first render (the page's first full render)
  // leaves them out, and they follow once the frame that shows the table has been painted.
  const [overscan, setOverscan] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setOverscan(OVERSCAN), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || FALLBACK_VIEWPORT);
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
    // The observer reports the first size after the browser's own layout; reading clientHeight here
    // instead forced that layout inside the render task, making the first render's task longer.
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scrollRef.current) setScrollTop(scrollRef.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));
  const win = rowWindow(Math.max(0, scrollTop - HEADER_HEIGHT), viewport, ROW_HEIGHT, rows.length, overscan);

  const moveTo = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setActive(i);
    const el = scrollRef.current;
    if (el) {
      const top = scrollToRow(i, el.scrollTop, viewport, ROW_HEIGHT, HEADER_HEIGHT);
      if (top !== el.scrollTop) {
        el.scrollTop = top;
        setScrollTop(top);
      }
    }
    focusPending.current = true;
  };

  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${activeIndex}"]`)?.focus();
  });

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const target = e.target as HTMLElement;
    const onRow = target.tagName === 'TR';
    const page = Math.max(1, Math.floor((viewport - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveTo(activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex - 1);
        break;
      case 'PageDown':
        moveTo(activeIndex + page);
        break;
      case 'PageUp':
        moveTo(activeIndex - page);
        break;
      case 'Home':
        if (!onRow) return;
        moveTo(0);
        break;
      case 'End':
        if (!onRow) return;
        moveTo(rows.length - 1);
        break;
      case 'Enter':
        if (!onRow) return;
        if (rows[activeIndex]?.instance.instance_id) onOpen(rows[activeIndex].instance.instance_id);
        break;
      case ' ':
        if (!onRow) return;
        if (rows[activeIndex]?.instance.instance_id) onToggle(rows[activeIndex].instance.instance_id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // With nothing selected (the usual case, re-rendered for every batch of stream events) no pass
  // over all the rows: `some` stops at the first row that can be selected.
  const anySelectable = rows.some((r) => r.instance.instance_id);
  let allSelected = false;
  let someSelected = false;
  if (selected.size > 0) {
    const selectable = rows.filter((r) => r.instance.instance_id);
    allSelected = selectable.length > 0 && selectable.every((r) => selected.has(r.instance.instance_id));
    someSelected = !allSelected && selectable.some((r) => selected.has(r.instance.instance_id));
  }

  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      onScroll={onScroll}
      style={{ height: Math.min(HEADER_HEIGHT + Math.max(rows.length, 3) * ROW_HEIGHT + 2, 640) }}
    >
      <table className="fleet-table" aria-label="Instances" aria-rowcount={rows.length + 1} data-rows={rows.length}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className="col-select">
              <input
                type="checkbox"
                aria-label={allSelected ? 'Clear the selection' : 'Select every instance shown'}
                checked={allSelected}
                ref={(el) => {
                  if (el) el.indeterminate = someSelected;
                }}
                onChange={(e) => onToggleAll(e.target.checked)}
                disabled={!anySelectable}
              />
            </th>
            {COLUMNS.map((c) => {
              const sorted = query.sort === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.className}
                  aria-sort={sorted ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="sort" onClick={() => onSort(c.key)}>
                    {c.label}
                    <span className="sort__arrow" aria-hidden="true">
                      {sorted ? (query.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {win.top > 0 && (
            <tr className="spacer" aria-hidden="true" style={{ height: win.top }}>
              <td colSpan={COLUMNS.length + 1} />
            </tr>
          )}
          {rows.slice(win.start, win.end).map((card, j) => {
            const index = win.start + j;
            return (
              <Row
                key={card.key}
                card={card}
                index={index}
                agent={agents[card.instance.agent_id]}
                active={index === activeIndex}
                selected={selected.has(card.instance.instance_id)}
                open={query.open === card.instance.instance_id && !!query.open}
                now={now}
                href={serializeQuery({ ...query, open: card.instance.instance_id }) || '?'}
                onOpen={onOpen}
                onToggle={onToggle}
                onFocusRow={setActive}
              />
            );
          })}
          {win.bottom > 0 && (
            <tr className="spacer" aria-hidden="true" style={{ height: win.bottom }}>
              <td colSpan={COLUMNS.length + 1} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  card: Card;
  index: number;
  agent: Agent | undefined;
  active: boolean;
  selected: boolean;
  open: boolean;
  now: number;
  href: string;
  onOpen: (instanceId: string) => void;
  onToggle: (instanceId: string) => void;
  onFocusRow: (index: number) => void;
}

const Row = memo(function Row({ card, index, agent, active, selected, open, now, href, onOpen, onToggle, onFocusRow }: RowProps) {
  const { instance } = card;
  const status = displayStatus(card);
  const label = instanceLabel(instance);
  const id = instance.instance_id;
  return (
    <tr
      className={`row${selected ? ' row--selected' : ''}${open ? ' row--open' : ''}${card.optimistic ? ' row--optimistic' : ''}`}
      tabIndex={active ? 0 : -1}
      aria-rowindex={index + 2}
      aria-label={`${label}, ${instance.instance_type} ${instance.role}`}
      data-index={index}
      data-instance-id={id || undefined}
      data-request-id={instance.request_id || undefined}
      data-status={status}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocusRow(index);
      }}
      onClick={(e) => {
        const t = e.target as HTMLElement;
        if (id && !t.closest('input, a, button')) onOpen(id);
      }}
    >
      <td className="col-select">
        <input
          type="checkbox"
          aria-label={`Select ${label}`}
          checked={selected}
          disabled={!id}
          tabIndex={-1}
          onChange={() => onToggle(id)}
        />
      </td>
      <td className="col-status">
        <StatusBadge status={status} />
        <RowNotes card={card} />
        {card.error && (
          <span className="row__error" title={card.error}>
            <span aria-hidden="true">⚠</span>
            <span className="visually-hidden">Refused: {card.error}</span>
          </span>
        )}
      </td>
      <td className="col-instance">
        {id ? (
          <a
            href={href}
            className="row__link"
            tabIndex={-1}
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
              e.preventDefault();
              onOpen(id);
            }}
          >
            {instance.ec2_instance_id ? (
              <code className="row__ec2">{instance.ec2_instance_id}</code>
            ) : (
              <code className="row__id" title={`${id} (no EC2 id yet)`}>
                {id.slice(0, 13)}…
              </code>
            )}
          </a>
        ) : (
          <span className="muted">assigning…</span>
        )}
      </td>
      <td className="col-role">
        <span className={`chip chip--${instance.role}`} data-role={instance.role}>
          {instance.role}
        </span>
      </td>
      <td className="col-type">{instance.instance_type}</td>
      <td className="col-agent">
        <AgentIndicator agentId={instance.agent_id} agent={agent} />
      </td>
      <td className="col-num col-age">{formatAge(instance.launch_requested_at, now) ?? '—'}</td>
      <td className="col-num col-launch">{formatDuration(instance.launch_duration_seconds) ?? '—'}</td>
      <td className="col-num col-termination">{formatDuration(instance.termination_duration_seconds) ?? '—'}</td>
    </tr>
  );
});

/** Small marks beside the status: queued for the agent (with why), a move of ours in flight or refused. */
function RowNotes({ card }: { card: Card }) {
  const queued = queuedReason(card.instance);
  const move = card.move;
  return (
    <>
      {queued && (
        <span className="chip chip--queued" title={`Queued for agent: ${queued}`} data-testid="row-queued">
          queued<span className="visually-hidden">: {queued}</span>
        </span>
      )}
      {move && move.phase !== 'failed' && move.action === 'switch' && (
        <span className="chip chip--move" title={`Switch to ${move.target?.instance_type ?? 'another type'} requested`}>
          switching
        </span>
      )}
      {move?.phase === 'failed' && (
        <span className="row__error" title={move.message ?? undefined}>
          <span aria-hidden="true">⚠</span>
          <span className="visually-hidden">
            {move.action === 'promote' ? 'Promote' : 'Switch'} refused: {move.message}
          </span>
        </span>
      )}
    </>
  );
}
