import type { ConnectionStatus } from '../state/fleetReducer';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionPill({ status, detail }: { status: ConnectionStatus; detail: string | null }) {
  return (
    <span className={`pill pill--${status}`} title={detail ?? undefined} data-connection={status}>
      <span className="pill__dot" aria-hidden="true" />
      <span className="visually-hidden">Live updates: </span>
      {LABELS[status]}
    </span>
  );
}
