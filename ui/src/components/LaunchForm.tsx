import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Agent, LaunchRequest, Role } from '../api/types';
import type { LaunchError } from '../state/fleetReducer';
import type { LaunchOutcome } from '../hooks/useFleet';

export const COMMON_INSTANCE_TYPES = [
  't3.micro',
  't3.small',
  't3.medium',
  't3.large',
  't4g.micro',
  't4g.small',
  'm5.large',
  'm5.xlarge',
  'm6i.large',
  'm7i.large',
  'c5.large',
  'c6i.large',
  'c7g.large',
  'r5.large',
  'r6i.large',
];

const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function newRequestId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Only for very old browsers: not security-relevant, just unique enough for idempotency.
  return `req-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

interface Props {
  agents: Agent[];
  error: LaunchError | null;
  onLaunch: (request: LaunchRequest) => Promise<LaunchOutcome>;
  onDismissError: () => void;
}

export function LaunchForm({ agents, error, onLaunch, onDismissError }: Props) {
  const [agentId, setAgentId] = useState('');
  const [instanceType, setInstanceType] = useState('t3.micro');
  const [role, setRole] = useState<Role>('primary');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  // Kept after a failure that may not have reached the server, so a retry is the same request.
  const retryRequestId = useRef<string | null>(null);
  const ids = { agent: useId(), type: useId(), typeHint: useId(), list: useId(), role: useId(), err: useId() };

  useEffect(() => {
    if (!agentId && agents.length > 0) {
      setAgentId((agents.find((a) => a.status === 'online') ?? agents[0]).agent_id);
    }
  }, [agents, agentId]);

  const selected = agents.find((a) => a.agent_id === agentId);

  function changed<T>(setter: (v: T) => void) {
    return (v: T) => {
      retryRequestId.current = null; // a different request from now on
      setter(v);
    };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const type = instanceType.trim();
    if (!agentId) return setFieldError('Choose an agent.');
    if (!INSTANCE_TYPE_PATTERN.test(type)) return setFieldError('Enter an EC2 instance type such as t3.micro.');
    setFieldError(null);
    const request_id = retryRequestId.current ?? newRequestId();
    retryRequestId.current = request_id;
    setBusy(true);
    try {
      const outcome = await onLaunch({ agent_id: agentId, instance_type: type, role, request_id });
      retryRequestId.current = !outcome.ok && outcome.retryable ? request_id : null;
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${ids.agent}-h`}>
      <h2 className="panel__title" id={`${ids.agent}-h`}>
        Launch an instance
      </h2>
      <form className="form" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="field">
          <label className="field__label" htmlFor={ids.agent}>
            Agent
          </label>
          <select
            id={ids.agent}
            className="input"
            value={agentId}
            onChange={(e) => changed(setAgentId)(e.target.value)}
            disabled={agents.length === 0}
            required
          >
            {agents.length === 0 && <option value="">No agents registered</option>}
            {agents.map((a) => (
              <option key={a.agent_id} value={a.agent_id}>
                {(a.name || a.agent_id) + (a.status === 'online' ? ' — online' : ' — offline')}
              </option>
            ))}
          </select>
          {selected?.status === 'offline' && (
            <p className="field__hint field__hint--warning">
              This agent is offline: the launch is queued until it comes back, and times out after 5 minutes.
            </p>
          )}
        </div>

        <div className="field">
          <label className="field__label" htmlFor={ids.type}>
            Instance type
          </label>
          <input
            id={ids.type}
            className="input"
            list={ids.list}
            value={instanceType}
            onChange={(e) => changed(setInstanceType)(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={ids.typeHint}
            required
          />
          <datalist id={ids.list}>
            {COMMON_INSTANCE_TYPES.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <p className="field__hint" id={ids.typeHint}>
            Any EC2 type; common ones are suggested.
          </p>
        </div>

        <fieldset className="field segmented">
          <legend className="field__label">Role</legend>
          {(['primary', 'replica'] as const).map((r) => (
            <label key={r} className="segmented__option">
              <input
                type="radio"
                name={ids.role}
                value={r}
                checked={role === r}
                onChange={() => changed(setRole)(r)}
              />
              <span>{r === 'primary' ? 'Primary' : 'Replica'}</span>
            </label>
          ))}
        </fieldset>

        {(fieldError || error) && (
          <div className="notice notice--danger" role="alert" id={ids.err}>
            <p>{fieldError ?? error?.message}</p>
            {!fieldError && error && (
              <button type="button" className="button button--ghost button--small" onClick={onDismissError}>
                Dismiss
              </button>
            )}
          </div>
        )}

        <button className="button button--primary button--block" type="submit" disabled={busy || agents.length === 0}>
          {busy ? 'Sending…' : retryRequestId.current && error?.retryable ? 'Retry launch' : 'Launch instance'}
        </button>
      </form>
    </section>
  );
}
