import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { Session } from '../api/session';
import { useFleet } from '../hooks/useFleet';
import { useFleetSummary } from '../hooks/useFleetSummary';
import { useRows } from '../hooks/useRows';
import { useUrlQuery } from '../hooks/useUrlQuery';
import { canTerminate, instanceLabel } from '../state/selectors';
import { summaryFacets } from '../state/fleetSummary';
import type { SortKey } from '../state/tableView';
import { ActivityLog } from './ActivityLog';
import { AgentsPanel } from './AgentsPanel';
import { ConnectionPill } from './ConnectionPill';
import { EmergencyBanners } from './EmergencyBanners';
import { FleetFilters } from './FleetFilters';
import { FleetTable } from './FleetTable';
import { LaunchForm } from './LaunchForm';

interface Props {
  session: Session;
  onSignOut: () => void;
  onUnauthorized: () => void;
}

/** The cards view is for a handful of instances; past this many it shows the first ones only. */
const CARD_LIMIT = 200;

// The plots bring a charting library: loaded after the table, so the first render does not wait for it.
const FleetCharts = lazy(() => import('./FleetCharts').then((m) => ({ default: m.FleetCharts })));

// What the first render does not show is in chunks of its own, so the page's script is smaller to
// evaluate: the detail panel (timeline, move controls and their dialogs), the bulk-terminate bar, the
// cards view. Each is loaded when first shown (a reload with ?open= loads the detail's chunk then),
// and all are fetched once the fleet is on screen and the page is idle, so opening one later does not wait.
const loadDetail = () => import('./InstanceDetail');
const loadBulkBar = () => import('./BulkBar');
const loadCard = () => import('./InstanceCard');
const InstanceDetail = lazy(() => loadDetail().then((m) => ({ default: m.InstanceDetail })));
const BulkBar = lazy(() => loadBulkBar().then((m) => ({ default: m.BulkBar })));
const InstanceCard = lazy(() => loadCard().then((m) => ({ default: m.InstanceCard })));

export function FleetPage({ session, onSignOut, onUnauthorized }: Props) {
  const fleet = useFleet(session, onUnauthorized);
  const { state } = fleet;
  const [query, setQuery] = useUrlQuery();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());

  const agents = useMemo(
    () => Object.values(state.agents).sort((a, b) => (a.name || a.agent_id).localeCompare(b.name || b.agent_id)),
    [state.agents],
  );
  // Stream frames arrive in batches (useFleet), so the table follows every render; a deferred value
  // here starved under a steady stream on a busy machine (the rows lagged the counts for seconds).
  const cards = state.cards;
  const rows = useRows(cards, query, state.listedSummary?.rows);
  const summary = useFleetSummary(cards, state.listedSummary);
  const counts = summary.counts;
  const facets = useMemo(() => summaryFacets(summary, query), [summary.agents, summary.types, query.agent, query.type]); // eslint-disable-line react-hooks/exhaustive-deps
  // The plots (and their chunk) come once the table is on screen and the page is idle.
  const [plots, setPlots] = useState(false);
  useEffect(() => {
    if (!state.loaded || plots) return;
    const w = window as Window & {
      requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number;
      cancelIdleCallback?: (handle: number) => void;
    };
    if (w.requestIdleCallback && w.cancelIdleCallback) {
      const handle = w.requestIdleCallback(() => setPlots(true), { timeout: 3000 });
      return () => w.cancelIdleCallback!(handle);
    }
    const timer = setTimeout(() => setPlots(true), 500);
    return () => clearTimeout(timer);
  }, [state.loaded, plots]);
  useEffect(() => {
    if (!plots) return;
    for (const load of [loadDetail, loadBulkBar, loadCard]) load().catch(() => {});
  }, [plots]);
  // The bulk bar keeps its results after the selection is cleared: once shown, it stays mounted.
  const [bulkShown, setBulkShown] = useState(false);
  const interrupted = state.connection === 'reconnecting' || state.connection === 'offline';

  const liveSelected = useMemo(() => [...selected].filter((id) => state.cards[id]), [selected, state.cards]);
  const terminable = useMemo(() => liveSelected.filter((id) => canTerminate(state.cards[id])), [liveSelected, state.cards]);
  useEffect(() => {
    if (liveSelected.length > 0) setBulkShown(true);
  }, [liveSelected.length]);

  const onSort = useCallback(
    (key: SortKey) => setQuery({ sort: key, dir: query.sort === key && query.dir === 'asc' ? 'desc' : 'asc' }),
    [query.sort, query.dir, setQuery],
  );
  const onOpen = useCallback((instanceId: string) => setQuery({ open: instanceId }), [setQuery]);
  const onClose = useCallback(() => setQuery({ open: null }), [setQuery]);
  const onToggle = useCallback(
    (instanceId: string) =>
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(instanceId)) next.delete(instanceId);
        else next.add(instanceId);
        return next;
      }),
    [],
  );
  const onToggleAll = useCallback(
    (select: boolean) => setSelected(select ? new Set(rows.filter((r) => r.instance.instance_id).map((r) => r.instance.instance_id)) : new Set()),
    [rows],
  );
  const clearSelection = useCallback(() => setSelected(new Set()), []);
  const labelOf = useCallback(
    (id: string) => (state.cards[id] ? instanceLabel(state.cards[id].instance) : id),
    [state.cards],
  );

  const openCard = query.open ? state.cards[query.open] ?? Object.values(state.cards).find((c) => c.instance.ec2_instance_id === query.open) : undefined;

  return (
    <>
      <header className="topbar">
        <div className="topbar__inner">
          <div className="brand">
            <span className="brand__mark" aria-hidden="true">
              ◆
            </span>
            Spot Optimizer
          </div>
          <div className="topbar__right">
            <a className="topbar__link" href="/swagger-ui.html">
              API docs
            </a>
            <ConnectionPill status={state.connection} detail={state.connectionDetail} />
            <span className="topbar__client" title={session.clientId}>
              {session.name}
            </span>
            <button type="button" className="button button--ghost-light button--small" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>

      {interrupted && (
        <div className="banner banner--connection" data-connection={state.connection}>
          <span className="spinner spinner--light" aria-hidden="true" />
          <div className="banner__body">
            <strong>{state.connection === 'offline' ? 'Offline.' : 'Reconnecting…'}</strong>{' '}
            {state.connectionDetail ??
              'Live updates are interrupted; the page catches up on everything it missed once reconnected.'}
          </div>
          {state.connection === 'reconnecting' && (
            <button type="button" className="button button--ghost-light button--small" onClick={fleet.reconnectNow}>
              Reconnect now
            </button>
          )}
        </div>
      )}

      <EmergencyBanners banners={state.banners} onDismiss={fleet.dismissBanner} />

      <main className={`layout${query.open ? ' layout--detail' : ''}`} id="main">
        <div className="layout__side">
          <LaunchForm
            agents={agents}
            error={state.launchError}
            onLaunch={fleet.launch}
            onDismissError={fleet.dismissLaunchError}
          />
          <AgentsPanel agents={agents} />
        </div>

        <section className="layout__main" aria-labelledby="fleet-title">
          <div className="fleet-head">
            <h1 className="fleet-head__title" id="fleet-title" tabIndex={-1}>
              Fleet
            </h1>
          </div>
          <FleetFilters query={query} counts={counts} facets={facets} shown={rows.length} onChange={setQuery} />
          {(bulkShown || liveSelected.length > 0) && (
            <Suspense fallback={null}>
              <BulkBar
                terminable={terminable}
                selectedCount={liveSelected.length}
                labelOf={labelOf}
                onTerminate={fleet.terminateMany}
                onClear={clearSelection}
              />
            </Suspense>
          )}

          {fleet.loadError ? (
            <div className="notice notice--danger" role="alert">
              <p>The fleet could not be loaded: {fleet.loadError}</p>
              <button type="button" className="button button--primary button--small" onClick={fleet.retryLoad}>
                Try again
              </button>
            </div>
          ) : !state.loaded ? (
            <p className="muted loading">
              <span className="spinner" aria-hidden="true" /> Loading the fleet…
            </p>
          ) : rows.length === 0 ? (
            <div className="empty">
              <p>
                <strong>{counts.total === 0 ? 'No instances.' : 'No instance matches these filters.'}</strong>{' '}
                {counts.total === 0
                  ? 'Launch one with the form; it appears here at once and follows every state change live.'
                  : 'Change or clear the filters to see more.'}
              </p>
            </div>
          ) : query.view === 'table' ? (
            <FleetTable
              rows={rows}
              agents={state.agents}
              query={query}
              selected={selected}
              onSort={onSort}
              onOpen={onOpen}
              onToggle={onToggle}
              onToggleAll={onToggleAll}
            />
          ) : (
            <>
              {rows.length > CARD_LIMIT && (
                <p className="muted">
                  Showing the first {CARD_LIMIT} of {rows.length}; the table view shows them all.
                </p>
              )}
              <Suspense
                fallback={
                  <p className="muted loading">
                    <span className="spinner" aria-hidden="true" /> Loading the cards…
                  </p>
                }
              >
              <ul className="cards" role="list" aria-label="Instances">
                {rows.slice(0, CARD_LIMIT).map((card) => (
                  <li key={card.key}>
                    <InstanceCard
                      card={card}
                      agent={state.agents[card.instance.agent_id]}
                      onTerminate={fleet.terminate}
                      onDismissError={fleet.dismissCardError}
                    />
                  </li>
                ))}
              </ul>
              </Suspense>
            </>
          )}

          {plots ? (
            <Suspense fallback={<p className="muted">Loading the plots…</p>}>
              <FleetCharts cards={state.cards} />
            </Suspense>
          ) : (
            <p className="muted">Loading the plots…</p>
          )}
          <ActivityLog entries={state.activity} />
        </section>

        {query.open && (
          <Suspense
            fallback={
              <div className="detail" aria-busy="true">
                <p className="muted loading">
                  <span className="spinner" aria-hidden="true" /> Loading the instance…
                </p>
              </div>
            }
          >
          <InstanceDetail
            key={query.open}
            instanceId={openCard?.instance.instance_id || query.open}
            card={openCard}
            agent={openCard ? state.agents[openCard.instance.agent_id] : undefined}
            api={fleet.api}
            subscribe={fleet.subscribe}
            onClose={onClose}
            onTerminate={fleet.terminate}
            knownTypes={facets.types}
            onPromote={fleet.promote}
            onSwitch={fleet.switchType}
            onDismissMove={fleet.dismissMove}
          />
          </Suspense>
        )}
      </main>

      <div className="visually-hidden" aria-live="polite" aria-atomic="true" role="status">
        {state.announcement ? <span key={state.announcement.seq}>{state.announcement.text}</span> : null}
      </div>
    </>
  );
}
