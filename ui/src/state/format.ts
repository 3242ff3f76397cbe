import type { InstanceStatus } from '../api/types';

/** "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 3600) {
    const m = Math.floor(total / 60);
    const s = total % 60;
    return `${m} min ${String(s).padStart(2, '0')} s`;
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${h} h ${String(m).padStart(2, '0')} min`;
}

export const STATUS_LABELS: Record<InstanceStatus, string> = {
  launching: 'Launching…',
  running_primary: 'Running',
  running_replica: 'Running',
  promoting: 'Promoting…',
  terminating: 'Terminating…',
  terminated: 'Terminated',
  launch_failed: 'Launch failed',
  launch_timed_out: 'Launch timed out',
  termination_failed: 'Termination failed',
  termination_timed_out: 'Termination timed out',
};

export type StatusTone = 'busy' | 'ok' | 'done' | 'danger';

export function statusLabel(status: InstanceStatus | string): string {
  return STATUS_LABELS[status as InstanceStatus] ?? status;
}

export function statusTone(status: InstanceStatus | string): StatusTone {
  switch (status) {
    case 'launching':
    case 'terminating':
    case 'promoting':
      return 'busy';
    case 'running_primary':
    case 'running_replica':
      return 'ok';
    case 'terminated':
      return 'done';
    default:
      return 'danger';
  }
}

/** A spinner is shown while the control plane waits for the agent's confirmation. */
export function isBusy(status: InstanceStatus | string): boolean {
  return statusTone(status) === 'busy';
}

export function isFailure(status: InstanceStatus | string): boolean {
  return statusTone(status) === 'danger';
}

/**
 * Rough order of the lifecycle, used only when an event carries no `version` (the version is the
 * real guard): an event never moves a card backwards in this order.
 */
export function lifecycleRank(status: InstanceStatus | string): number {
  switch (status) {
    case 'launching':
      return 0;
    case 'running_primary':
    case 'running_replica':
    case 'promoting':
      return 1;
    case 'launch_failed':
    case 'launch_timed_out':
      return 2;
    case 'terminating':
    case 'termination_failed':
    case 'termination_timed_out':
      return 3;
    case 'terminated':
      return 4;
    default:
      return 0;
  }
}

// One formatter for the page: building one per call (toLocaleTimeString) costs far more than formatting.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function shortTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return TIME.format(d);
}
