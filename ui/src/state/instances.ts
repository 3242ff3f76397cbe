// Instances as the server tells about them: the list (and the re-list after a RESYNC) and the
// INSTANCE_* events of the stream. Versions guard against stale or duplicated events.

import type { Instance, InstanceEventData, InstanceEventType, InstanceStatus } from '../api/types';
import { formatDuration, isFailure, lifecycleRank, statusLabel } from './format';
import { definedFields, findCard, pendingKey, type Card, type FleetState } from './fleetState';
import { announce, pushActivity, toneFor } from './notices';
import { instanceLabel } from './selectors';

export function listLoaded(state: FleetState, instances: Instance[], lastEventId: number, resync: boolean): FleetState {
  const cards: Record<string, Card> = {};
  const listedRequests = new Set<string>();
  for (const instance of instances) {
    const previous = state.cards[instance.instance_id];
    if (instance.request_id) listedRequests.add(instance.request_id);
    cards[instance.instance_id] = {
      key: instance.instance_id,
      instance: { ...instance },
      optimistic: false,
      // A terminate of ours still in flight stays visible until its answer comes back.
      pending: previous?.pending === 'terminate' && lifecycleRank(instance.status) < 3 ? 'terminate' : null,
      error: previous?.error ?? null,
      emergency: previous?.emergency ?? null,
    };
  }
  // Launches still waiting for their 202 stay, unless the list already has them.
  for (const card of Object.values(state.cards)) {
    if (card.optimistic && !listedRequests.has(card.instance.request_id ?? '')) cards[card.key] = card;
  }
  return {
    ...state,
    cards,
    lastEventId,
    loaded: true,
    resyncRequired: false,
    activity: resync
      ? pushActivity(state.activity, {
          id: `resync-${lastEventId}`,
          eventId: lastEventId,
          type: 'RESYNC',
          text: `Fleet re-listed (${instances.length} instances); watching from event ${lastEventId}.`,
          tone: 'info',
          timestamp: null,
        })
      : state.activity,
    announcement: resync ? announce(state, 'Fleet list refreshed after a resync.') : state.announcement,
  };
}

export const STATUS_BY_EVENT: Record<InstanceEventType, InstanceStatus | null> = {
  INSTANCE_LAUNCHING: 'launching',
  INSTANCE_RUNNING: null, // running_primary or running_replica, by role
  INSTANCE_TERMINATING: 'terminating',
  INSTANCE_TERMINATED: 'terminated',
  INSTANCE_LAUNCH_FAILED: 'launch_failed',
  INSTANCE_LAUNCH_TIMED_OUT: 'launch_timed_out',
  INSTANCE_TERMINATION_FAILED: 'termination_failed',
  INSTANCE_TERMINATION_TIMED_OUT: 'termination_timed_out',
};

const TERMINATE_OUTCOMES: ReadonlySet<InstanceEventType> = new Set([
  'INSTANCE_TERMINATING',
  'INSTANCE_TERMINATED',
  'INSTANCE_TERMINATION_FAILED',
  'INSTANCE_TERMINATION_TIMED_OUT',
]);

/**
 * `ownsCards`: `state.cards` was copied earlier in the same batch and may be changed in place (copying
 * 5,000 entries once per event was the page's largest cost under a burst of events).
 */
export function applyInstanceEvent(
  state: FleetState,
  id: number | null,
  type: InstanceEventType,
  data: InstanceEventData,
  timestamp: string | null,
  ownsCards = false,
): FleetState {
  if (!data) return state;
  const cards = ownsCards ? state.cards : { ...state.cards };
  let existing = findCard(cards, data);
  // Our own launch seen on the stream before its 202 came back: it becomes the real card.
  if (!existing && data.request_id) {
    const placeholder = cards[pendingKey(data.request_id)];
    if (placeholder) {
      delete cards[placeholder.key];
      existing = { ...placeholder, key: data.instance_id, optimistic: false, pending: null };
    }
  }
  if (existing && !existing.optimistic && isStale(existing.instance, data, type)) return state;

  const role = data.role ?? existing?.instance.role ?? 'primary';
  const status: InstanceStatus =
    data.status ?? STATUS_BY_EVENT[type] ?? (role === 'replica' ? 'running_replica' : 'running_primary');
  const previous: Instance = existing?.instance ?? {
    instance_id: data.instance_id,
    ec2_instance_id: null,
    request_id: null,
    agent_id: data.agent_id ?? '',
    instance_type: data.instance_type ?? '',
    role,
    status,
  };
  const instance: Instance = { ...previous, ...definedFields(data), status, role };
  if (instance.ec2_instance_id == null && previous.ec2_instance_id) instance.ec2_instance_id = previous.ec2_instance_id;
  if (data.reason) instance.failure_reason = data.reason;
  switch (type) {
    case 'INSTANCE_LAUNCHING':
      instance.launch_requested_at ??= timestamp;
      break;
    case 'INSTANCE_RUNNING':
      instance.launch_confirmed_at ??= timestamp;
      instance.failure_reason = data.reason ?? null;
      break;
    case 'INSTANCE_TERMINATING':
      instance.termination_requested_at ??= timestamp;
      break;
    case 'INSTANCE_TERMINATED':
      instance.termination_confirmed_at ??= timestamp;
      break;
    default:
      break;
  }

  const key = data.instance_id || existing?.key || '';
  if (!key) return state;
  if (existing && existing.key !== key) delete cards[existing.key];
  const endsTerminate = existing?.pending === 'terminate' && TERMINATE_OUTCOMES.has(type);
  cards[key] = {
    key,
    instance,
    optimistic: false,
    pending: existing?.pending === 'launch' || endsTerminate ? null : (existing?.pending ?? null),
    error: endsTerminate ? null : (existing?.error ?? null),
    emergency: type === 'INSTANCE_TERMINATED' ? null : (existing?.emergency ?? null),
  };

  const text = describeInstanceEvent(type, instance);
  return {
    ...state,
    cards,
    activity: pushActivity(state.activity, {
      id: `ev-${id ?? `${key}-${instance.version ?? ''}-${type}`}`,
      eventId: id,
      type,
      text,
      tone: type === 'INSTANCE_RUNNING' || type === 'INSTANCE_TERMINATED' ? 'success' : toneFor(instance.status),
      timestamp,
    }),
    announcement: announce(state, text),
  };
}

/** An event about a version we already have (or an older one) changes nothing. */
function isStale(current: Instance, data: InstanceEventData, type: InstanceEventType): boolean {
  const have = current.version;
  const got = data.version;
  if (typeof have === 'number' && typeof got === 'number') return got <= have;
  // No version to compare: never move a card backwards in its lifecycle.
  const next = data.status ?? STATUS_BY_EVENT[type] ?? 'running_primary';
  return lifecycleRank(next) < lifecycleRank(current.status);
}

function describeInstanceEvent(type: InstanceEventType, instance: Instance): string {
  const who = `${instanceLabel(instance)} (${instance.instance_type})`;
  switch (type) {
    case 'INSTANCE_RUNNING': {
      const d = formatDuration(instance.launch_duration_seconds);
      return `${who} is running${d ? ` — launched in ${d}` : ''}.`;
    }
    case 'INSTANCE_TERMINATED': {
      const d = formatDuration(instance.termination_duration_seconds);
      return `${who} is terminated${d ? ` — terminated in ${d}` : ''}.`;
    }
    default: {
      const reason = instance.failure_reason && isFailure(instance.status) ? `: ${instance.failure_reason}` : '';
      return `${who}: ${statusLabel(instance.status)}${reason}`;
    }
  }
}
