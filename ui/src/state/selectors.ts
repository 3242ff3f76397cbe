// What the page reads from the state. Pure functions of the state; memoise them in components.

import type { Instance, InstanceStatus } from '../api/types';
import type { Card, FleetState } from './fleetState';

export function instanceLabel(instance: Instance): string {
  return instance.ec2_instance_id ?? (instance.instance_id || `${instance.instance_type} (new)`);
}

/**
 * What the badge shows: our in-flight terminate overlays the server's status, and so does our promote
 * of a replica until the server says it is promoting (so it counts as in progress at once).
 */
export function displayStatus(card: Card): InstanceStatus {
  if (card.pending === 'terminate') return 'terminating';
  if (card.move?.action === 'promote' && card.move.phase === 'sending' && card.instance.status === 'running_replica') return 'promoting';
  return card.instance.status;
}

/** Why the agent has not made its EC2 call yet, while the launch waits for it. */
export function queuedReason(instance: Instance): string | null {
  return instance.status === 'launching' && instance.launch_queued_reason ? instance.launch_queued_reason : null;
}

const NOT_TERMINABLE: ReadonlySet<InstanceStatus> = new Set(['terminating', 'terminated', 'launch_failed']);

export function canTerminate(card: Card): boolean {
  return !card.optimistic && card.pending === null && card.move?.phase !== 'sending' && !NOT_TERMINABLE.has(card.instance.status);
}

export function isEnded(card: Card): boolean {
  return (
    card.pending === null &&
    (card.instance.status === 'terminated' ||
      card.instance.status === 'launch_failed' ||
      card.instance.status === 'launch_timed_out')
  );
}

/** Newest first, our launches without an answer on top (the cards view). */
export function selectCards(state: FleetState, options: { showEnded?: boolean } = {}): Card[] {
  const showEnded = options.showEnded ?? true;
  return Object.values(state.cards)
    .filter((c) => showEnded || !isEnded(c))
    .sort((a, b) => {
      if (a.optimistic !== b.optimistic) return a.optimistic ? -1 : 1;
      const at = a.instance.launch_requested_at ?? '';
      const bt = b.instance.launch_requested_at ?? '';
      if (at !== bt) return at < bt ? 1 : -1;
      return a.key.localeCompare(b.key);
    });
}

export interface FleetCounts {
  total: number;
  running: number;
  busy: number;
  failed: number;
  ended: number;
}

export function selectCounts(state: FleetState): FleetCounts {
  const counts: FleetCounts = { total: 0, running: 0, busy: 0, failed: 0, ended: 0 };
  for (const card of Object.values(state.cards)) {
    counts.total++;
    const s = displayStatus(card);
    if (s === 'running_primary' || s === 'running_replica') counts.running++;
    else if (s === 'launching' || s === 'terminating' || s === 'promoting') counts.busy++;
    else if (s === 'terminated') counts.ended++;
    else counts.failed++;
  }
  return counts;
}
