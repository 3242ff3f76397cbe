// The fleet page's state: a pure reducer, so every rule about ordering, duplicates and optimistic
// updates is testable without a browser. Side effects (HTTP, EventSource) live in src/api and
// src/stream and only ever dispatch the actions below.

import type {
  Agent,
  AgentStatusChangedData,
  CommandExecutedData,
  EmergencyEventData,
  FleetEvent,
  Instance,
  InstanceEventData,
  InstanceEventType,
  InstanceStatus,
  LaunchRequest,
  LaunchResponse,
  TerminateResponse,
} from '../api/types';
import { isInstanceEventType } from '../api/types';
import { formatDuration, isFailure, lifecycleRank, statusLabel } from './format';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface EmergencyNotice {
  kind: string;
  action_time: string | null;
  eventId: number | null;
}

export interface Card {
  /** `instance_id`, or `pending:<request_id>` while a launch has no answer from the server yet. */
  key: string;
  /** What the server said last (or, for an optimistic launch, the local guess). */
  instance: Instance;
  /** Only the local guess exists: no server record yet. */
  optimistic: boolean;
  /** A request of ours in flight; shown as a spinner over the server's status. */
  pending: 'launch' | 'terminate' | null;
  /** A refused request, shown inline on the card. */
  error: string | null;
  emergency: EmergencyNotice | null;
}

export interface Banner {
  id: string;
  eventId: number | null;
  kind: string;
  agent_id: string;
  instance_id: string | null;
  ec2_instance_id: string | null;
  action_time: string | null;
  receivedAt: string | null;
}

export type ActivityTone = 'info' | 'success' | 'warning' | 'danger';

export interface ActivityEntry {
  id: string;
  eventId: number | null;
  type: string;
  text: string;
  tone: ActivityTone;
  timestamp: string | null;
}

export interface LaunchError {
  request_id: string;
  message: string;
  /** The same request may be sent again as is (network error, 5xx): keep its request_id. */
  retryable: boolean;
}

export interface FleetState {
  cards: Record<string, Card>;
  agents: Record<string, Agent>;
  banners: Banner[];
  activity: ActivityEntry[];
  /** The id of the last event applied; the stream resumes after it. */
  lastEventId: number | null;
  connection: ConnectionStatus;
  connectionDetail: string | null;
  /** A RESYNC event arrived: the list must be fetched again before watching on. */
  resyncRequired: boolean;
  launchError: LaunchError | null;
  /** The text for the aria-live region; `seq` changes even when the text repeats. */
  announcement: { seq: number; text: string } | null;
  loaded: boolean;
  lastHeartbeatAt: string | null;
}

export type FleetAction =
  | { type: 'LIST_LOADED'; instances: Instance[]; lastEventId: number }
  | { type: 'RESYNCED'; instances: Instance[]; lastEventId: number }
  | { type: 'AGENTS_LOADED'; agents: Agent[] }
  | { type: 'EVENT_RECEIVED'; id: number | null; event: FleetEvent }
  | { type: 'LAUNCH_REQUESTED'; request: LaunchRequest; at: string }
  | { type: 'LAUNCH_ACCEPTED'; requestId: string; response: LaunchResponse }
  | { type: 'TERMINATE_REQUESTED'; instanceId: string; at: string }
  | { type: 'TERMINATE_ACCEPTED'; instanceId: string; response: TerminateResponse }
  | { type: 'REQUEST_FAILED'; op: 'launch'; requestId: string; message: string; retryable?: boolean }
  | { type: 'REQUEST_FAILED'; op: 'terminate'; instanceId: string; message: string }
  | { type: 'CONNECTION_CHANGED'; status: ConnectionStatus; detail?: string | null }
  | { type: 'BANNER_DISMISSED'; id: string }
  | { type: 'CARD_ERROR_DISMISSED'; key: string }
  | { type: 'LAUNCH_ERROR_DISMISSED' };

export const ACTIVITY_LIMIT = 50;

export const initialFleetState: FleetState = {
  cards: {},
  agents: {},
  banners: [],
  activity: [],
  lastEventId: null,
  connection: 'connecting',
  connectionDetail: null,
  resyncRequired: false,
  launchError: null,
  announcement: null,
  loaded: false,
  lastHeartbeatAt: null,
};

export const pendingKey = (requestId: string) => `pending:${requestId}`;

export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
  switch (action.type) {
    case 'LIST_LOADED':
    case 'RESYNCED':
      return listLoaded(state, action.instances, action.lastEventId, action.type === 'RESYNCED');
    case 'AGENTS_LOADED': {
      const agents: Record<string, Agent> = {};
      for (const a of action.agents) agents[a.agent_id] = a;
      return { ...state, agents };
    }
    case 'EVENT_RECEIVED':
      return eventReceived(state, action.id, action.event);
    case 'LAUNCH_REQUESTED':
      return launchRequested(state, action.request, action.at);
    case 'LAUNCH_ACCEPTED':
      return launchAccepted(state, action.requestId, action.response);
    case 'TERMINATE_REQUESTED': {
      const card = state.cards[action.instanceId];
      if (!card || card.optimistic) return state;
      return withCard(state, { ...card, pending: 'terminate', error: null });
    }
    case 'TERMINATE_ACCEPTED':
      return terminateAccepted(state, action.instanceId, action.response);
    case 'REQUEST_FAILED':
      if (action.op === 'launch') {
        const key = pendingKey(action.requestId);
        const cards = { ...state.cards };
        if (cards[key]?.optimistic) delete cards[key];
        return {
          ...state,
          cards,
          launchError: {
            request_id: action.requestId,
            message: action.message,
            retryable: action.retryable ?? false,
          },
          announcement: announce(state, `Launch failed: ${action.message}`),
        };
      } else {
        const card = state.cards[action.instanceId];
        if (!card) return state;
        // The server state was never touched: dropping the overlay rolls the card back.
        return {
          ...withCard(state, { ...card, pending: null, error: action.message }),
          announcement: announce(state, `Terminate refused: ${action.message}`),
        };
      }
    case 'CONNECTION_CHANGED':
      if (state.connection === action.status && state.connectionDetail === (action.detail ?? null)) return state;
      return {
        ...state,
        connection: action.status,
        connectionDetail: action.detail ?? null,
        announcement:
          state.connection !== action.status ? announce(state, connectionAnnouncement(action.status)) : state.announcement,
      };
    case 'BANNER_DISMISSED':
      return { ...state, banners: state.banners.filter((b) => b.id !== action.id) };
    case 'CARD_ERROR_DISMISSED': {
      const card = state.cards[action.key];
      return card ? withCard(state, { ...card, error: null }) : state;
    }
    case 'LAUNCH_ERROR_DISMISSED':
      return { ...state, launchError: null };
    default:
      return state;
  }
}

// ---------------------------------------------------------------------------------------------
// List (and resync): the server's list replaces every server-backed card.

function listLoaded(state: FleetState, instances: Instance[], lastEventId: number, resync: boolean): FleetState {
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

// ---------------------------------------------------------------------------------------------
// Events

function eventReceived(state: FleetState, id: number | null, event: FleetEvent): FleetState {
  // The stream is ordered by id; anything at or below what we applied is a replay or a duplicate.
  if (id !== null && state.lastEventId !== null && id <= state.lastEventId) return state;
  const base: FleetState = id !== null ? { ...state, lastEventId: id } : state;
  const timestamp = event.timestamp ?? null;

  if (isInstanceEventType(event.type)) {
    return applyInstanceEvent(base, id, event.type, event.data as InstanceEventData, timestamp);
  }
  switch (event.type) {
    case 'AGENT_STATUS_CHANGED':
      return applyAgentStatus(base, id, event.data, timestamp);
    case 'EMERGENCY_EVENT':
      return applyEmergency(base, id, event.data, timestamp);
    case 'COMMAND_EXECUTED':
      return applyCommandExecuted(base, id, event.data, timestamp);
    case 'HEARTBEAT':
      return { ...base, lastHeartbeatAt: timestamp ?? base.lastHeartbeatAt };
    case 'RESYNC': {
      const reason = event.data?.reason;
      return {
        ...base,
        resyncRequired: true,
        activity: pushActivity(base.activity, {
          id: `ev-${id ?? 'resync'}-${timestamp ?? ''}`,
          eventId: id,
          type: 'RESYNC',
          text: `Resync required${reason ? `: ${reason}` : ''}. Re-listing the fleet.`,
          tone: 'warning',
          timestamp,
        }),
      };
    }
    default:
      return base;
  }
}

const STATUS_BY_EVENT: Record<InstanceEventType, InstanceStatus | null> = {
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

function applyInstanceEvent(
  state: FleetState,
  id: number | null,
  type: InstanceEventType,
  data: InstanceEventData,
  timestamp: string | null,
): FleetState {
  if (!data) return state;
  const cards = { ...state.cards };
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
  const card: Card = {
    key,
    instance,
    optimistic: false,
    pending: existing?.pending === 'launch' || endsTerminate ? null : (existing?.pending ?? null),
    error: endsTerminate ? null : (existing?.error ?? null),
    emergency: type === 'INSTANCE_TERMINATED' ? null : (existing?.emergency ?? null),
  };
  cards[key] = card;

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

function findCard(cards: Record<string, Card>, data: InstanceEventData): Card | undefined {
  if (data.instance_id && cards[data.instance_id]) return cards[data.instance_id];
  if (data.ec2_instance_id) {
    return Object.values(cards).find((c) => c.instance.ec2_instance_id === data.ec2_instance_id);
  }
  return undefined;
}

function definedFields(data: InstanceEventData): Partial<Instance> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v !== undefined && k !== 'reason') out[k] = v;
  }
  return out as Partial<Instance>;
}

function applyAgentStatus(
  state: FleetState,
  id: number | null,
  data: AgentStatusChangedData,
  timestamp: string | null,
): FleetState {
  if (!data?.agent_id) return state;
  const prev = state.agents[data.agent_id];
  const agent: Agent = {
    ...(prev ?? { agent_id: data.agent_id }),
    status: data.status,
    ...(data.status === 'online' && timestamp ? { last_heartbeat_at: timestamp } : {}),
  };
  const name = agent.name || agent.agent_id;
  const text = `Agent ${name} is ${data.status}.`;
  return {
    ...state,
    agents: { ...state.agents, [data.agent_id]: agent },
    activity: pushActivity(state.activity, {
      id: `ev-${id ?? `${data.agent_id}-${timestamp}`}`,
      eventId: id,
      type: 'AGENT_STATUS_CHANGED',
      text,
      tone: data.status === 'online' ? 'success' : 'warning',
      timestamp,
    }),
    announcement: prev?.status !== data.status ? announce(state, text) : state.announcement,
  };
}

function applyEmergency(
  state: FleetState,
  id: number | null,
  data: EmergencyEventData,
  timestamp: string | null,
): FleetState {
  if (!data) return state;
  const bannerId =
    id !== null ? `emergency-${id}` : `emergency-${data.kind}-${data.ec2_instance_id ?? data.instance_id}-${data.action_time}`;
  if (state.banners.some((b) => b.id === bannerId)) return state;
  const banner: Banner = {
    id: bannerId,
    eventId: id,
    kind: data.kind,
    agent_id: data.agent_id,
    instance_id: data.instance_id ?? null,
    ec2_instance_id: data.ec2_instance_id ?? null,
    action_time: data.action_time ?? null,
    receivedAt: timestamp,
  };
  let next: FleetState = { ...state, banners: [banner, ...state.banners] };
  const card = findCard(state.cards, {
    instance_id: data.instance_id ?? '',
    ec2_instance_id: data.ec2_instance_id ?? undefined,
  });
  if (card) {
    next = withCard(next, {
      ...card,
      emergency: { kind: data.kind, action_time: data.action_time ?? null, eventId: id },
    });
  }
  const text = `${emergencyLabel(data.kind)} for ${data.ec2_instance_id ?? data.instance_id ?? 'an instance'} on agent ${data.agent_id}.`;
  return {
    ...next,
    activity: pushActivity(next.activity, {
      id: `ev-${bannerId}`,
      eventId: id,
      type: 'EMERGENCY_EVENT',
      text,
      tone: 'danger',
      timestamp,
    }),
    announcement: announce(state, text),
  };
}

function applyCommandExecuted(
  state: FleetState,
  id: number | null,
  data: CommandExecutedData,
  timestamp: string | null,
): FleetState {
  if (!data) return state;
  const outcome = data.success ? 'succeeded' : 'failed';
  return {
    ...state,
    activity: pushActivity(state.activity, {
      id: `ev-${id ?? `${data.command_id}`}`,
      eventId: id,
      type: 'COMMAND_EXECUTED',
      text: `${data.command_type} on ${data.agent_id} ${outcome}${data.message ? `: ${data.message}` : '.'}`,
      tone: data.success ? 'info' : 'danger',
      timestamp,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Optimistic updates

function launchRequested(state: FleetState, request: LaunchRequest, at: string): FleetState {
  const key = pendingKey(request.request_id);
  // A retried click with the same request_id: the card is already there (or already real).
  const alreadyReal = Object.values(state.cards).some(
    (c) => !c.optimistic && c.instance.request_id === request.request_id,
  );
  if (alreadyReal) return { ...state, launchError: null };
  const card: Card = {
    key,
    instance: {
      instance_id: '',
      ec2_instance_id: null,
      request_id: request.request_id,
      agent_id: request.agent_id,
      instance_type: request.instance_type,
      role: request.role,
      status: 'launching',
      launch_requested_at: at,
      version: null,
    },
    optimistic: true,
    pending: 'launch',
    error: null,
    emergency: null,
  };
  return {
    ...withCard(state, card),
    launchError: null,
    announcement: announce(state, `Launching ${request.instance_type} on ${request.agent_id}…`),
  };
}

function launchAccepted(state: FleetState, requestId: string, response: LaunchResponse): FleetState {
  const cards = { ...state.cards };
  const placeholder = cards[pendingKey(requestId)];
  delete cards[pendingKey(requestId)];
  const real = cards[response.instance_id];
  const fromResponse = definedFields(response as InstanceEventData);
  if (real) {
    // Events got here first: they are newer than (or as new as) this answer, unless it says otherwise.
    const newer =
      typeof response.version === 'number' &&
      (typeof real.instance.version !== 'number' || response.version > real.instance.version);
    const instance = newer
      ? { ...real.instance, ...fromResponse }
      : { ...fillMissing(real.instance, fromResponse) };
    cards[real.key] = { ...real, instance, pending: real.pending === 'launch' ? null : real.pending };
  } else {
    const guess = placeholder?.instance;
    cards[response.instance_id] = {
      key: response.instance_id,
      instance: {
        ec2_instance_id: null,
        agent_id: guess?.agent_id ?? '',
        instance_type: guess?.instance_type ?? '',
        role: guess?.role ?? 'primary',
        launch_requested_at: guess?.launch_requested_at ?? null,
        ...fromResponse,
        request_id: response.request_id ?? requestId,
        instance_id: response.instance_id,
        status: response.status ?? 'launching',
        version: response.version ?? null,
      } as Instance,
      optimistic: false,
      pending: null,
      error: null,
      emergency: null,
    };
  }
  return { ...state, cards };
}

function terminateAccepted(state: FleetState, instanceId: string, response: TerminateResponse): FleetState {
  const card = state.cards[instanceId] ?? findCard(state.cards, { instance_id: response.instance_id });
  if (!card) return state;
  const fromResponse = definedFields(response as InstanceEventData);
  let instance = card.instance;
  const hasVersions = typeof response.version === 'number' && typeof instance.version === 'number';
  if (hasVersions ? response.version! > instance.version! : lifecycleRank(response.status) > lifecycleRank(instance.status)) {
    // Keep the card's version unless the answer carries one: the matching event must still apply.
    instance = { ...instance, ...fromResponse, version: response.version ?? instance.version };
  } else {
    instance = fillMissing(instance, fromResponse);
  }
  return { ...withCard(state, { ...card, instance, pending: null, error: null }) };
}

// ---------------------------------------------------------------------------------------------
// Helpers and selectors

function fillMissing(instance: Instance, extra: Partial<Instance>): Instance {
  const out: Record<string, unknown> = { ...instance };
  for (const [k, v] of Object.entries(extra)) {
    if ((out[k] === undefined || out[k] === null) && v !== undefined) out[k] = v;
  }
  return out as unknown as Instance;
}

function withCard(state: FleetState, card: Card): FleetState {
  return { ...state, cards: { ...state.cards, [card.key]: card } };
}

function pushActivity(activity: ActivityEntry[], entry: ActivityEntry): ActivityEntry[] {
  return [entry, ...activity].slice(0, ACTIVITY_LIMIT);
}

function announce(state: FleetState, text: string): { seq: number; text: string } {
  return { seq: (state.announcement?.seq ?? 0) + 1, text };
}

function toneFor(status: InstanceStatus): ActivityTone {
  if (status === 'launching' || status === 'terminating' || status === 'promoting') return 'info';
  if (status === 'running_primary' || status === 'running_replica' || status === 'terminated') return 'success';
  return 'danger';
}

function connectionAnnouncement(status: ConnectionStatus): string {
  switch (status) {
    case 'live':
      return 'Live updates connected.';
    case 'reconnecting':
      return 'Live updates interrupted. Reconnecting…';
    case 'offline':
      return 'Live updates offline.';
    default:
      return 'Connecting to live updates…';
  }
}

export function emergencyLabel(kind: string): string {
  if (kind === 'SPOT_INTERRUPTION') return 'Spot interruption notice';
  if (kind === 'REBALANCE_RECOMMENDATION') return 'Rebalance recommendation';
  return kind;
}

export function instanceLabel(instance: Instance): string {
  return instance.ec2_instance_id ?? (instance.instance_id || `${instance.instance_type} (new)`);
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

/** What the badge shows: our in-flight terminate overlays the server's status. */
export function displayStatus(card: Card): InstanceStatus {
  return card.pending === 'terminate' ? 'terminating' : card.instance.status;
}

const NOT_TERMINABLE: ReadonlySet<InstanceStatus> = new Set(['terminating', 'terminated', 'launch_failed']);

export function canTerminate(card: Card): boolean {
  return !card.optimistic && card.pending === null && !NOT_TERMINABLE.has(card.instance.status);
}

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

export function isEnded(card: Card): boolean {
  return (
    card.pending === null &&
    (card.instance.status === 'terminated' ||
      card.instance.status === 'launch_failed' ||
      card.instance.status === 'launch_timed_out')
  );
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
