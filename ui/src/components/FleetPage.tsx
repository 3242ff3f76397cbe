import { useId, useMemo, useState } from 'react';
import type { Session } from '../api/session';
import { useFleet } from '../hooks/useFleet';
import { selectCards, selectCounts } from '../state/fleetReducer';
import { ActivityLog } from './ActivityLog';
import { AgentsPanel } from './AgentsPanel';
import { ConnectionPill } from './ConnectionPill';
import { EmergencyBanners } from './EmergencyBanners';
import { InstanceCard } from './InstanceCard';
import { LaunchForm } from './LaunchForm';

interface Props {
  session: Session;
  onSignOut: () => void;
  onUnauthorized: () => void;
}

export function FleetPage({ session, onSignOut, onUnauthorized }: Props) {
  const fleet = useFleet(session, onUnauthorized);
  const { state } = fleet;
  const [showEnded, setShowEnded] = useState(true);
  const toggleId = useId();

  const agents = useMemo(
    () => Object.values(state.agents).sort((a, b) => (a.name || a.agent_id).localeCompare(b.name || b.agent_id)),
    [state.agents],
  );
  const cards = useMemo(() => selectCards(state, { showEnded }), [state, showEnded]);
  const counts = useMemo(() => selectCounts(state), [state]);
  const interrupted = state.connection === 'reconnecting' || state.connection === 'offline';

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

      <main className="layout" id="main">
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
            <h1 className="fleet-head__title" id="fleet-title">
              Fleet
            </h1>
            <ul className="counts" aria-label="Fleet summary">
              <li>
                <strong>{counts.running}</strong> running
              </li>
              <li>
                <strong>{counts.busy}</strong> in progress
              </li>
              <li className={counts.failed ? 'counts--danger' : undefined}>
                <strong>{counts.failed}</strong> failed
              </li>
              <li>
                <strong>{counts.ended}</strong> terminated
              </li>
            </ul>
            <label className="toggle" htmlFor={toggleId}>
              <input id={toggleId} type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />
              Show ended instances
            </label>
          </div>

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
          ) : cards.length === 0 ? (
            <div className="empty">
              <p>
                <strong>No instances{showEnded ? '' : ' running'}.</strong> Launch one with the form; its card
                appears here at once and follows every state change live.
              </p>
            </div>
          ) : (
            <ul className="cards" role="list" aria-label="Instances">
              {cards.map((card) => (
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
          )}

          <ActivityLog entries={state.activity} />
        </section>
      </main>

      <div className="visually-hidden" aria-live="polite" aria-atomic="true" role="status">
        {state.announcement ? <span key={state.announcement.seq}>{state.announcement.text}</span> : null}
      </div>
    </>
  );
}
