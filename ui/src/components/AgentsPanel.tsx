import type { Agent } from '../api/types';
import { shortTime } from '../state/format';

export function AgentsPanel({ agents }: { agents: Agent[] }) {
  return (
    <section className="panel" aria-labelledby="agents-title">
      <h2 className="panel__title" id="agents-title">
        Agents
      </h2>
      {agents.length === 0 ? (
        <p className="muted">No agents registered for this client.</p>
      ) : (
        <ul className="agents" role="list">
          {agents.map((a) => (
            <li key={a.agent_id} className={`agents__item agent--${a.status}`} data-agent-id={a.agent_id}>
              <span className="agent__dot" aria-hidden="true" />
              <span className="agents__name">{a.name || a.agent_id}</span>
              <span className={`tag tag--${a.status}`}>{a.status}</span>
              {a.transport && <span className="agents__meta">{a.transport}</span>}
              {a.last_heartbeat_at && (
                <span className="agents__meta">last heartbeat {shortTime(a.last_heartbeat_at)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
