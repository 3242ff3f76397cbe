// Instances as the server tells about them: the list (and the re-list after a RESYNC) and the
// INSTANCE_* events of the stream. Versions guard against stale or duplicated events.

import type { Instance, InstanceEventData, InstanceEventType, InstanceStatus, Role } from '../api/types';
import { formatDuration, isFailure, lifecycleRank, statusLabel } from './format';
import { definedFields, findCard, pendingKey, type Card, type FleetState } from './fleetState';
import type { ListedBasis } from './listBuild';
import { buildListedCards } from './listBuild';
import { moveAfterEvent } from './moves';
import { announce, pushActivity, toneFor } from './notices';
import { instanceLabel } from './selectors';

/**
 * The list (or a re-list after a RESYNC) replaces the instances. `listed` are its cards (and their
 * summary) built ahead in slices (listBuild.ts); without them the cards are built here. What the page knows beyond the list —
 * our terminate in flight, a refusal, an emergency notice, launches still waiting for their 202 —
 * is laid over them, copying the listed cards only when there is something to lay.
 */
export function listLoaded(
  state: FleetState,
  instances: Instance[],
  lastEventId: number,
  resync: boolean,
  listed?: ListedBasis,
): FleetState {
  let cards = listed?.cards ?? buildListedCards(instances);
  let copied = listed === undefined;
  const put = (card: Card) => {
    if (!copied) {
      cards = { ...cards };
      copied = true;
    }
    cards[card.key] = card;
  };
  let listedRequests: Set<string> | null = null;
  for (const previous of Object.values(state.cards)) {
    if (previous.optimistic) {
      // A launch still waiting for its 202 stays, unless the list already has it.
      listedRequests ??= new Set(instances.map((i) => i.request_id ?? ''));
      if (!listedRequests.has(previous.instance.request_id ?? '')) put(previous);
      continue;
    }
    const fresh = cards[previous.key];
    if (!fresh) continue;
    // A terminate of ours still in flight stays visible until its answer comes back.
    const pending = previous.pending === 'terminate' && lifecycleRank(fresh.instance.status) < 3 ? 'terminate' : null;
    if (pending || previous.error || previous.emergency || previous.move) {
      put({ ...fresh, pending, error: previous.error, emergency: previous.emergency, move: moveAfterEvent(previous.move, fresh.instance.status) });
    }
  }
  return {
    ...state,
    cards,
    lastEventId,
    loaded: true,
    resyncRequired: false,
    listedSummary: listed ?? null,
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
  INSTANCE_PROMOTING: 'promoting',
  INSTANCE_PROMOTED: 'running_primary',
  INSTANCE_DEMOTED: 'running_replica',
  INSTANCE_LAUNCH_QUEUED: 'launching',
};

/** The role an event implies when it does not say (a promotion makes a primary, a demotion a replica). */
const ROLE_BY_EVENT: Partial<Record<InstanceEventType, Role>> = {
  INSTANCE_PROMOTED: 'primary',
  INSTANCE_DEMOTED: 'replica',
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

  const role = data.role ?? ROLE_BY_EVENT[type] ?? existing?.instance.role ?? 'primary';
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
    move: moveAfterEvent(existing?.move, status),
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
    case 'INSTANCE_PROMOTED':
      return `${who} is now the primary.`;
    case 'INSTANCE_DEMOTED':
      return `${who} is now a replica.`;
    case 'INSTANCE_LAUNCH_QUEUED':
      return `${who} is queued for its agent${instance.launch_queued_reason ? `: ${instance.launch_queued_reason}` : ''}.`;
    default: {
      const reason = instance.failure_reason && isFailure(instance.status) ? `: ${instance.failure_reason}` : '';
      return `${who}: ${statusLabel(instance.status)}${reason}`;
    }
  }
}
