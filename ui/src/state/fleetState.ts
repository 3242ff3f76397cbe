// The fleet page's state shape and the actions that change it. The reducer (fleetReducer.ts) only
// dispatches; each concern lives in its own module: instances.ts (list and stream events about
// instances), optimistic.ts (our own launch/terminate requests in flight), notices.ts (agents,
// emergencies, command results, the activity log and announcements), selectors.ts (what the page reads).

import type {
  Agent,
  CommandResponse,
  DemoteTo,
  FleetEvent,
  Instance,
  LaunchRequest,
  LaunchResponse,
  PromoteResponse,
  SwitchTarget,
  TerminateResponse,
} from '../api/types';
import type { ListedBasis } from './listBuild';

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
  /** A refused request, shown inline on the card (or the row). */
  error: string | null;
  emergency: EmergencyNotice | null;
  /** A promote or switch of ours (moves.ts): in flight, accepted, or refused with the reason. */
  move?: MoveState | null;
}

export type MoveAction = 'promote' | 'switch';

export interface MoveState {
  action: MoveAction;
  requestId: string;
  phase: 'sending' | 'accepted' | 'failed';
  /** The refusal (problem+json) or the failed command's message. */
  message: string | null;
  demoteTo?: DemoteTo;
  target?: SwitchTarget;
  commandId?: string;
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
  /**
   * The list's cards with their counts (and maybe its rows, sorted), built while loading: where the
   * page's summary (and table) start from.
   */
  listedSummary: ListedBasis | null;
}

export type FleetAction =
  /** `listed`: the list's cards and their summary built ahead in slices (listBuild.ts); else built by the reducer. */
  | { type: 'LIST_LOADED'; instances: Instance[]; lastEventId: number; listed?: ListedBasis }
  | { type: 'RESYNCED'; instances: Instance[]; lastEventId: number; listed?: ListedBasis }
  | { type: 'AGENTS_LOADED'; agents: Agent[] }
  | { type: 'EVENT_RECEIVED'; id: number | null; event: FleetEvent }
  /** Several stream frames applied in one go (the page batches bursts into one render). */
  | { type: 'EVENTS_RECEIVED'; events: { id: number | null; event: FleetEvent }[] }
  | { type: 'LAUNCH_REQUESTED'; request: LaunchRequest; at: string }
  | { type: 'LAUNCH_ACCEPTED'; requestId: string; response: LaunchResponse }
  | { type: 'TERMINATE_REQUESTED'; instanceId: string; at: string }
  | { type: 'TERMINATE_ACCEPTED'; instanceId: string; response: TerminateResponse }
  | { type: 'REQUEST_FAILED'; op: 'launch'; requestId: string; message: string; retryable?: boolean }
  | { type: 'REQUEST_FAILED'; op: 'terminate'; instanceId: string; message: string }
  | { type: 'PROMOTE_REQUESTED'; instanceId: string; requestId: string; demoteTo: DemoteTo }
  | { type: 'PROMOTE_ACCEPTED'; instanceId: string; response: PromoteResponse }
  | { type: 'SWITCH_REQUESTED'; instanceId: string; requestId: string; target: SwitchTarget }
  | { type: 'SWITCH_ACCEPTED'; instanceId: string; response: CommandResponse }
  | { type: 'MOVE_FAILED'; instanceId: string; message: string }
  | { type: 'MOVE_DISMISSED'; instanceId: string }
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
  listedSummary: null,
};

export const pendingKey = (requestId: string) => `pending:${requestId}`;

// Small helpers shared by the modules that change the state.

export function withCard(state: FleetState, card: Card): FleetState {
  return { ...state, cards: { ...state.cards, [card.key]: card } };
}

export function fillMissing(instance: Instance, extra: Partial<Instance>): Instance {
  const out: Record<string, unknown> = { ...instance };
  for (const [k, v] of Object.entries(extra)) {
    if ((out[k] === undefined || out[k] === null) && v !== undefined) out[k] = v;
  }
  return out as unknown as Instance;
}

/** The fields of an event or answer that are present, without `reason` (it becomes `failure_reason`). */
export function definedFields(data: object): Partial<Instance> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v !== undefined && k !== 'reason') out[k] = v;
  }
  return out as Partial<Instance>;
}

export function findCard(
  cards: Record<string, Card>,
  data: { instance_id?: string | null; ec2_instance_id?: string | null },
): Card | undefined {
  if (data.instance_id && cards[data.instance_id]) return cards[data.instance_id];
  if (data.ec2_instance_id) {
    return Object.values(cards).find((c) => c.instance.ec2_instance_id === data.ec2_instance_id);
  }
  return undefined;
}
