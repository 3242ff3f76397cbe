// An instance's history (GET /api/client/instances/{id}/events, then live from the stream) as a
// timeline a person can read: what happened, why, who caused it, how long it took.

import type { FleetEvent, InstanceStatus } from '../api/types';
import { isInstanceEventType } from '../api/types';
import { formatDuration, statusLabel } from './format';

/** One entry of GET /api/client/instances/{id}/events (snake_case on the wire). */
export interface HistoryEntry {
  event_id: number;
  type: string;
  timestamp: string | null;
  status?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}

export type Cause = 'client' | 'agent' | 'timeout' | 'reconciliation' | 'ec2' | 'system';

export const CAUSE_LABELS: Record<Cause, string> = {
  client: 'Client',
  agent: 'Agent',
  timeout: 'Timeout',
  reconciliation: 'Reconciliation',
  ec2: 'EC2',
  system: 'Control plane',
};

export interface TimelineItem {
  key: string;
  eventId: number;
  type: string;
  title: string;
  timestamp: string | null;
  status: string | null;
  reason: string | null;
  cause: Cause;
  /** Time since the previous entry, e.g. "12.3 s". */
  sincePrevious: string | null;
  /** A duration the event itself carries (launch or termination duration). */
  duration: string | null;
  tone: 'busy' | 'ok' | 'done' | 'danger' | 'info';
  /** Command results: the command type and whether it succeeded. */
  command: { type: string; success: boolean; message: string | null } | null;
}

/** Adds entries (from the list or the stream), keeping event-id order and dropping duplicates. */
export function mergeHistory(existing: HistoryEntry[], incoming: HistoryEntry[]): HistoryEntry[] {
  if (!incoming.length) return existing;
  const byId = new Map<number, HistoryEntry>();
  for (const e of existing) byId.set(e.event_id, e);
  let changed = false;
  for (const e of incoming) {
    if (!byId.has(e.event_id)) {
      byId.set(e.event_id, e);
      changed = true;
    }
  }
  if (!changed) return existing;
  return [...byId.values()].sort((a, b) => a.event_id - b.event_id);
}

/**
 * A stream frame as a history entry when it is about this instance (by stable or EC2 id): instance
 * events, and command results and emergencies that name it.
 */
export function historyEntryFromEvent(
  id: number | null,
  event: FleetEvent,
  instance: { instance_id: string; ec2_instance_id?: string | null },
): HistoryEntry | null {
  if (id === null || !event.data || typeof event.data !== 'object') return null;
  const data = event.data as Record<string, unknown>;
  const nested = (data.metadata && typeof data.metadata === 'object' ? data.metadata : {}) as Record<string, unknown>;
  const ids = [data.instance_id, data.ec2_instance_id, nested.instance_id];
  const mine =
    ids.includes(instance.instance_id) || (instance.ec2_instance_id != null && ids.includes(instance.ec2_instance_id));
  if (!mine) return null;
  if (!isInstanceEventType(event.type) && event.type !== 'COMMAND_EXECUTED' && event.type !== 'EMERGENCY_EVENT') return null;
  return {
    event_id: id,
    type: event.type,
    timestamp: event.timestamp ?? null,
    status: typeof data.status === 'string' ? data.status : null,
    reason: typeof data.reason === 'string' ? data.reason : null,
    data,
  };
}

const TITLES: Record<string, string> = {
  INSTANCE_LAUNCHING: 'Launch requested',
  INSTANCE_RUNNING: 'Running (launch confirmed)',
  INSTANCE_TERMINATING: 'Termination requested',
  INSTANCE_TERMINATED: 'Terminated',
  INSTANCE_LAUNCH_FAILED: 'Launch failed',
  INSTANCE_LAUNCH_TIMED_OUT: 'Launch timed out',
  INSTANCE_TERMINATION_FAILED: 'Termination failed',
  INSTANCE_TERMINATION_TIMED_OUT: 'Termination timed out',
  INSTANCE_PROMOTING: 'Promotion requested',
  INSTANCE_PROMOTED: 'Promoted to primary',
  INSTANCE_DEMOTED: 'Demoted to replica',
  INSTANCE_LAUNCH_QUEUED: 'Queued for the agent',
  COMMAND_EXECUTED: 'Command result',
  EMERGENCY_EVENT: 'Emergency notice',
};

/** Who caused a transition: an explicit field when the server sends one, otherwise read from type and reason. */
export function causeOf(entry: HistoryEntry): Cause {
  const explicit = entry.data?.caused_by ?? entry.data?.actor;
  if (typeof explicit === 'string' && explicit in CAUSE_LABELS) return explicit as Cause;
  const reason = (entry.reason ?? '').toLowerCase();
  if (reason.includes('reconcil') || reason.includes('orphan')) return 'reconciliation';
  if (entry.type.endsWith('_TIMED_OUT') || reason.includes('timed out') || reason.includes('timeout')) return 'timeout';
  if (reason.includes('spot_interruption') || reason.includes('interrupt') || reason.includes('terminated_outside')) return 'ec2';
  switch (entry.type) {
    case 'INSTANCE_LAUNCHING':
    case 'INSTANCE_PROMOTING':
      return 'client';
    case 'INSTANCE_TERMINATING':
      return reason === '' || reason.includes('client') || reason.includes('request') ? 'client' : 'system';
    case 'INSTANCE_RUNNING':
    case 'INSTANCE_TERMINATED':
    case 'COMMAND_EXECUTED':
    case 'EMERGENCY_EVENT':
      return 'agent';
    case 'INSTANCE_LAUNCH_FAILED':
    case 'INSTANCE_TERMINATION_FAILED':
      // EC2 refused (capacity, limits) as reported by the agent.
      return 'agent';
    default:
      return 'system';
  }
}

function toneOf(entry: HistoryEntry): TimelineItem['tone'] {
  if (entry.type === 'COMMAND_EXECUTED') return entry.data?.success === false ? 'danger' : 'info';
  if (entry.type === 'EMERGENCY_EVENT') return 'danger';
  if (entry.type.endsWith('_FAILED') || entry.type.endsWith('_TIMED_OUT')) return 'danger';
  if (entry.type === 'INSTANCE_RUNNING' || entry.type === 'INSTANCE_PROMOTED') return 'ok';
  if (entry.type === 'INSTANCE_TERMINATED') return 'done';
  return 'busy';
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function toTimeline(entries: HistoryEntry[]): TimelineItem[] {
  let previous: number | null = null;
  return entries.map((entry) => {
    const t = entry.timestamp ? Date.parse(entry.timestamp) : Number.NaN;
    const since = previous !== null && !Number.isNaN(t) ? formatDuration(Math.max(0, (t - previous) / 1000)) : null;
    if (!Number.isNaN(t)) previous = t;
    const d = entry.data ?? {};
    const duration =
      entry.type === 'INSTANCE_RUNNING'
        ? formatDuration(num(d.launch_duration_seconds))
        : entry.type === 'INSTANCE_TERMINATED'
          ? formatDuration(num(d.termination_duration_seconds))
          : null;
    const command =
      entry.type === 'COMMAND_EXECUTED'
        ? {
            type: String(d.command_type ?? 'command'),
            success: d.success !== false,
            message: typeof d.message === 'string' ? d.message : null,
          }
        : null;
    let title = TITLES[entry.type] ?? entry.type;
    if (command) title = `${command.type} ${command.success ? 'succeeded' : 'failed'}`;
    if (entry.type === 'EMERGENCY_EVENT' && typeof d.kind === 'string') title = `Emergency: ${d.kind}`;
    return {
      key: `${entry.event_id}`,
      eventId: entry.event_id,
      type: entry.type,
      title,
      timestamp: entry.timestamp,
      status: entry.status ?? null,
      reason: entry.reason ?? (command?.message || null),
      cause: causeOf(entry),
      sincePrevious: since,
      duration,
      tone: toneOf(entry),
      command,
    };
  });
}

/** One sentence on why the instance is where it is, for the failures a person needs explained. */
export function explainStatus(status: InstanceStatus, entries: HistoryEntry[], agentId: string): string | null {
  const last = [...entries].reverse().find((e) => e.type.startsWith('INSTANCE_') && e.status === status) ?? null;
  const reason = last?.reason ?? null;
  const requested = entries.find((e) => e.type === 'INSTANCE_LAUNCHING')?.timestamp;
  const waited =
    last?.timestamp && requested ? formatDuration((Date.parse(last.timestamp) - Date.parse(requested)) / 1000) : null;
  switch (status) {
    case 'launch_timed_out':
      return (
        `The launch timed out: agent ${agentId} did not confirm it` +
        (waited ? ` within ${waited}` : '') +
        (reason ? ` (${reason})` : '') +
        '. A late confirmation is still accepted for a while and the instance it started is then terminated.'
      );
    case 'launch_failed':
      return `The launch failed${reason ? `: ${reason}` : ''}. EC2 or the agent refused it; nothing is running.`;
    case 'termination_timed_out':
      return `The termination timed out: agent ${agentId} did not confirm it${reason ? ` (${reason})` : ''}. Terminate again to retry.`;
    case 'termination_failed':
      return `The termination failed${reason ? `: ${reason}` : ''}. Terminate again to retry.`;
    default:
      return null;
  }
}

export function statusText(status: string | null): string | null {
  return status ? statusLabel(status) : null;
}
