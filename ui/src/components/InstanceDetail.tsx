import { useEffect, useRef, useState } from 'react';
import { ApiError, describeProblem, type ApiClient } from '../api/client';
import type { Agent, DemoteTo, Instance, SwitchTarget } from '../api/types';
import type { EventListener } from '../hooks/useFleet';
import type { Card } from '../state/fleetState';
import { formatDuration, shortTime } from '../state/format';
import { canTerminate, displayStatus, instanceLabel, queuedReason } from '../state/selectors';
import {
  CAUSE_LABELS,
  explainStatus,
  historyEntryFromEvent,
  mergeHistory,
  statusText,
  toTimeline,
  type HistoryEntry,
} from '../state/timeline';
import { AgentIndicator } from './AgentIndicator';
import { MoveControls } from './MoveControls';
import { StatusBadge } from './StatusBadge';

interface Props {
  instanceId: string;
  card: Card | undefined;
  agent: Agent | undefined;
  api: ApiClient;
  subscribe: (listener: EventListener) => () => void;
  onClose: () => void;
  onTerminate: (instanceId: string) => void;
  knownTypes: string[];
  onPromote: (instanceId: string, demoteTo: DemoteTo) => void;
  onSwitch: (instanceId: string, agentId: string, target: SwitchTarget) => void;
  onDismissMove: (instanceId: string) => void;
}

/**
 * One instance's whole history as a timeline, live while open. Linkable: the URL carries ?open=<id>.
 * The stream subscription starts before the history is fetched, so nothing falls between the two;
 * duplicates are dropped by event id.
 */
export function InstanceDetail({
  instanceId,
  card,
  agent,
  api,
  subscribe,
  onClose,
  onTerminate,
  knownTypes,
  onPromote,
  onSwitch,
  onDismissMove,
}: Props) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const ec2Ref = useRef<string | null>(null);
  ec2Ref.current = card?.instance.ec2_instance_id ?? null;

  useEffect(() => {
    headingRef.current?.focus();
  }, [instanceId]);

  useEffect(() => {
    setEntries([]);
    setLoading(true);
    setError(null);
    const abort = new AbortController();
    const unsubscribe = subscribe((id, event) => {
      const entry = historyEntryFromEvent(id, event, { instance_id: instanceId, ec2_instance_id: ec2Ref.current });
      if (entry) setEntries((current) => mergeHistory(current, [entry]));
    });
    api
      .history(instanceId, abort.signal)
      .then((list) => setEntries((current) => mergeHistory(current, list ?? [])))
      .catch((e) => {
        if (abort.signal.aborted) return;
        setError(
          e instanceof ApiError && e.status === 404
            ? 'No such instance for this client.'
            : e instanceof ApiError
              ? describeProblem(e.problem)
              : 'The history could not be loaded.',
        );
      })
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => {
      abort.abort();
      unsubscribe();
    };
  }, [instanceId, api, subscribe]);

  const instance = card?.instance;
  const status = card ? displayStatus(card) : null;
  const items = toTimeline(entries);
  const explanation = instance && status ? explainStatus(status, entries, instance.agent_id) : null;
  const label = instance ? instanceLabel(instance) : instanceId;

  return (
    <aside
      className="detail"
      aria-labelledby="detail-title"
      data-instance-id={instanceId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !confirming) onClose();
      }}
    >
      <header className="detail__header">
        <h2 id="detail-title" className="detail__title" tabIndex={-1} ref={headingRef}>
          {label}
        </h2>
        <button type="button" className="button button--ghost button--small" onClick={onClose} aria-label="Close instance details">
          Close
        </button>
      </header>

      {instance && status && (
        <>
          <div className="detail__status">
            <StatusBadge status={status} />
            <span className={`chip chip--${instance.role}`} data-role={instance.role}>
              {instance.role}
            </span>
            <span>{instance.instance_type}</span>
          </div>
          {explanation && (
            <p className="detail__explain notice notice--danger" data-testid="explanation">
              {explanation}
            </p>
          )}
          <dl className="facts">
            <Fact label="Instance ID" value={<code>{instance.instance_id}</code>} />
            <Fact label="EC2 ID" value={instance.ec2_instance_id ? <code>{instance.ec2_instance_id}</code> : <span className="muted">not yet known</span>} />
            <Fact label="Request ID" value={instance.request_id ? <code>{instance.request_id}</code> : '—'} />
            <Fact label="Agent" value={<AgentIndicator agentId={instance.agent_id} agent={agent} />} />
            <Fact label="Launch requested" value={shortTime(instance.launch_requested_at) ?? '—'} />
            <LaunchFacts instance={instance} />
            <Fact label="Launch duration" value={formatDuration(instance.launch_duration_seconds) ?? '—'} />
            {instance.termination_requested_at && (
              <Fact label="Termination requested" value={shortTime(instance.termination_requested_at) ?? '—'} />
            )}
            {instance.termination_duration_seconds != null && (
              <Fact label="Termination duration" value={formatDuration(instance.termination_duration_seconds) ?? '—'} />
            )}
          </dl>
          {card && status !== 'terminated' && (
            <div className="detail__actions">
              {confirming ? (
                <div
                  className="confirm"
                  role="group"
                  aria-label={`Confirm termination of ${label}`}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                      e.stopPropagation();
                      setConfirming(false);
                    }
                  }}
                >
                  <span className="confirm__text">Terminate this instance?</span>
                  <button
                    type="button"
                    autoFocus
                    className="button button--danger button--small"
                    onClick={() => {
                      setConfirming(false);
                      onTerminate(instance.instance_id);
                    }}
                  >
                    Confirm terminate
                  </button>
                  <button type="button" className="button button--ghost button--small" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  className="button button--outline-danger button--small"
                  disabled={!canTerminate(card)}
                  onClick={() => setConfirming(true)}
                >
                  {card.pending === 'terminate' ? 'Terminating…' : 'Terminate'}
                </button>
              )}
              {card.error && (
                <p className="card__error" role="alert">
                  {card.error}
                </p>
              )}
              <MoveControls card={card} knownTypes={knownTypes} onPromote={onPromote} onSwitch={onSwitch} onDismiss={onDismissMove} />
            </div>
          )}
        </>
      )}

      <h3 className="detail__subtitle">History</h3>
      {error ? (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      ) : loading && items.length === 0 ? (
        <p className="muted loading">
          <span className="spinner" aria-hidden="true" /> Loading the history…
        </p>
      ) : (
        <ol className="timeline" aria-label={`History of ${label}`} aria-live="polite">
          {items.map((item) => (
            <li key={item.key} className={`timeline__item timeline__item--${item.tone}`} data-type={item.type} data-event-id={item.eventId}>
              <div className="timeline__head">
                <strong className="timeline__title">{item.title}</strong>
                <span className={`cause cause--${item.cause}`}>{CAUSE_LABELS[item.cause]}</span>
              </div>
              <div className="timeline__meta muted">
                <time dateTime={item.timestamp ?? undefined}>{shortTime(item.timestamp) ?? '—'}</time>
                {item.sincePrevious && <span> · +{item.sincePrevious}</span>}
                {item.duration && <span className="duration"> · took {item.duration}</span>}
                {item.status && item.type !== 'COMMAND_EXECUTED' && <span> · {statusText(item.status)}</span>}
              </div>
              {item.reason && <p className="timeline__reason">{item.reason}</p>}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

/** How the launch went: queued for the agent (and why), the EC2 call, which alternative ran, which were skipped. */
function LaunchFacts({ instance }: { instance: Instance }) {
  const queued = queuedReason(instance);
  const skipped = instance.skipped_alternatives ?? [];
  const alt = (a: { instance_type: string; subnet_id?: string | null }) => `${a.instance_type}${a.subnet_id ? ` in ${a.subnet_id}` : ''}`;
  return (
    <>
      {queued && <Fact label="Queued for agent" value={<span data-testid="queued-reason">{queued}</span>} />}
      {instance.launch_call_at && <Fact label="EC2 call" value={shortTime(instance.launch_call_at) ?? '—'} />}
      {instance.launched_with && <Fact label="Launched with" value={alt(instance.launched_with)} />}
      {skipped.length > 0 && (
        <Fact
          label="Skipped alternatives"
          value={
            <ul className="alternatives">
              {skipped.map((a, i) => (
                <li key={`${a.instance_type}-${a.subnet_id ?? ''}-${i}`}>
                  {alt(a)}
                  {a.reason ? ` — ${a.reason}` : ''}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </>
  );
}

function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
