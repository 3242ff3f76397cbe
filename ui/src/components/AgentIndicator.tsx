import type { Agent } from '../api/types';

export function AgentIndicator({ agentId, agent }: { agentId: string; agent: Agent | undefined }) {
  const status = agent?.status;
  const label = status === 'online' ? 'online' : status === 'offline' ? 'offline' : 'status unknown';
  return (
    <span className={`agent agent--${status ?? 'unknown'}`}>
      <span className="agent__dot" aria-hidden="true" />
      <span className="agent__name">{agent?.name || agentId}</span>
      <span className="agent__status">({label})</span>
    </span>
  );
}
