import { memo, useEffect, useRef, useState } from 'react';
import type { Agent } from '../api/types';
import { canTerminate, displayStatus, emergencyLabel, instanceLabel, type Card } from '../state/fleetReducer';
import { formatDuration, isBusy, isFailure, shortTime, statusTone } from '../state/format';
import { useNow } from '../hooks/useNow';
import { AgentIndicator } from './AgentIndicator';
import { StatusBadge } from './StatusBadge';

interface Props {
  card: Card;
  agent: Agent | undefined;
  onTerminate: (instanceId: string) => void;
  onDismissError: (key: string) => void;
}

function elapsedSince(iso: string | null | undefined, now: number): string | null {
  if (!iso) return null;
  const start = Date.parse(iso);
  if (Number.isNaN(start)) return null;
  const s = Math.max(0, Math.floor((now - start) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const InstanceCard = memo(function InstanceCard({ card, agent, onTerminate, onDismissError }: Props) {
  const { instance } = card;
  const status = displayStatus(card);
  const busy = isBusy(status);
  const now = useNow(busy);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const terminateRef = useRef<HTMLButtonElement>(null);
  const articleRef = useRef<HTMLElement>(null);
  const label = instanceLabel(instance);
  const terminable = canTerminate(card);

  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (refocus && !confirming) {
      // After a confirm the button is disabled (terminating): keep focus on the card instead.
      if (terminateRef.current && !terminateRef.current.disabled) terminateRef.current.focus();
      else articleRef.current?.focus();
      setRefocus(false);
    }
  }, [refocus, confirming]);
  const cancel = () => {
    setConfirming(false);
    setRefocus(true);
  };
  useEffect(() => {
    if (!terminable) setConfirming(false);
  }, [terminable]);

  const launched = formatDuration(instance.launch_duration_seconds);
  const terminatedIn = formatDuration(instance.termination_duration_seconds);
  const waitingSince =
    status === 'launching'
      ? elapsedSince(instance.launch_requested_at, now)
      : status === 'terminating'
        ? elapsedSince(instance.termination_requested_at, now)
        : null;

  return (
    <article
      ref={articleRef}
      tabIndex={-1}
      className={`card card--${statusTone(status)}${card.optimistic ? ' card--optimistic' : ''}`}
      aria-label={`${instance.instance_type} ${instance.role} instance ${label}`}
      aria-busy={busy}
      data-instance-id={instance.instance_id || undefined}
      data-request-id={instance.request_id || undefined}
      data-status={status}
    >
      <header className="card__header">
        <StatusBadge status={status} />
        {waitingSince && (
          <span className="card__elapsed" aria-hidden="true">
            {waitingSince}
          </span>
        )}
        <span className={`chip chip--${instance.role}`}>{instance.role}</span>
      </header>

      <h3 className="card__title">
        <span className="card__type">{instance.instance_type}</span>
        <code className="card__ec2">{instance.ec2_instance_id ?? 'EC2 id pending'}</code>
      </h3>

      <dl className="facts">
        <div className="facts__row">
          <dt>Instance ID</dt>
          <dd>
            {instance.instance_id ? <code>{instance.instance_id}</code> : <span className="muted">assigning…</span>}
          </dd>
        </div>
        <div className="facts__row">
          <dt>EC2 ID</dt>
          <dd>
            {instance.ec2_instance_id ? (
              <code>{instance.ec2_instance_id}</code>
            ) : (
              <span className="muted">not yet known</span>
            )}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Agent</dt>
          <dd>
            <AgentIndicator agentId={instance.agent_id} agent={agent} />
          </dd>
        </div>
        <div className="facts__row">
          <dt>Launch</dt>
          <dd>
            {launched ? (
              <span className="duration">launched in {launched}</span>
            ) : instance.launch_requested_at ? (
              <span className="muted">requested {shortTime(instance.launch_requested_at)}</span>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
        {(terminatedIn || instance.termination_requested_at || status === 'terminating') && (
          <div className="facts__row">
            <dt>Termination</dt>
            <dd>
              {terminatedIn ? (
                <span className="duration">terminated in {terminatedIn}</span>
              ) : instance.termination_requested_at ? (
                <span className="muted">requested {shortTime(instance.termination_requested_at)}</span>
              ) : (
                <span className="muted">requested just now</span>
              )}
            </dd>
          </div>
        )}
      </dl>

      {isFailure(status) && (
        <p className="card__reason">
          <strong>Reason:</strong> {instance.failure_reason || 'no reason given'}
        </p>
      )}

      {card.emergency && status !== 'terminated' && (
        <p className="card__emergency">
          <strong>{emergencyLabel(card.emergency.kind)}</strong>
          {card.emergency.action_time && <> — action at {shortTime(card.emergency.action_time)}</>}
        </p>
      )}

      {card.error && (
        <div className="card__error" role="alert">
          <p>{card.error}</p>
          <button
            type="button"
            className="button button--ghost button--small"
            aria-label={`Dismiss error for ${label}`}
            onClick={() => onDismissError(card.key)}
          >
            Dismiss
          </button>
        </div>
      )}

      <footer className="card__footer">
        {status === 'terminated' ? null : confirming ? (
          <div
            className="confirm"
            role="group"
            aria-label={`Confirm termination of ${label}`}
            onKeyDown={(e) => {
              if (e.key === 'Escape') cancel();
            }}
          >
            <span className="confirm__text">Terminate this instance?</span>
            <button
              ref={confirmRef}
              type="button"
              aria-label={`Confirm terminate ${label}`}
              className="button button--danger button--small"
              onClick={() => {
                setConfirming(false);
                setRefocus(true);
                onTerminate(instance.instance_id);
              }}
            >
              Confirm terminate
            </button>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={cancel}
            >
              Cancel
            </button>
          </div>
        ) : (
          <button
            ref={terminateRef}
            type="button"
            className="button button--outline-danger button--small"
            disabled={!terminable}
            aria-label={`${card.pending === 'terminate' ? 'Terminating' : 'Terminate'} ${label}`}
            onClick={() => setConfirming(true)}
          >
            {card.pending === 'terminate' ? 'Terminating…' : 'Terminate'}
          </button>
        )}
      </footer>
    </article>
  );
});
