// The fleet page's state: a pure reducer, so every rule about ordering, duplicates and optimistic
// updates is testable without a browser. Side effects (HTTP, EventSource) live in src/api and
// src/stream and only ever dispatch the actions below. This file only routes; the rules live in
// instances.ts, optimistic.ts and notices.ts, the types in fleetState.ts, the reads in selectors.ts.

import { isInstanceEventType, type FleetEvent, type InstanceEventData } from '../api/types';
import type { FleetAction, FleetState } from './fleetState';
import { initialFleetState } from './fleetState';
import type { PreparedList } from './listBuild';
import { applyInstanceEvent, listLoaded } from './instances';
import {
  agentsLoaded,
  applyAgentStatus,
  applyCommandExecuted,
  applyEmergency,
  connectionChanged,
  resyncRequested,
} from './notices';
import {
  launchAccepted,
  launchFailed,
  launchRequested,
  terminateAccepted,
  terminateFailed,
  terminateRequested,
} from './optimistic';
import { withCard } from './fleetState';
import {
  moveDismissed,
  moveFailed,
  promoteAccepted,
  promoteRequested,
  settleMoveByCommand,
  switchAccepted,
  switchRequested,
} from './moves';

export * from './fleetState';
export * from './selectors';
export { emergencyLabel } from './notices';
export { canPromote, canSwitch } from './moves';

export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
  switch (action.type) {
    case 'LIST_LOADED':
    case 'RESYNCED':
      return listLoaded(state, action.instances, action.lastEventId, action.type === 'RESYNCED', action.listed);
    case 'AGENTS_LOADED':
      return agentsLoaded(state, action.agents);
    case 'EVENT_RECEIVED':
      return eventReceived(state, action.id, action.event);
    case 'EVENTS_RECEIVED':
      // Any cards object other than the incoming one was made during this batch: no one else holds it.
      return action.events.reduce((s, e) => eventReceived(s, e.id, e.event, s.cards !== state.cards), state);
    case 'LAUNCH_REQUESTED':
      return launchRequested(state, action.request, action.at);
    case 'LAUNCH_ACCEPTED':
      return launchAccepted(state, action.requestId, action.response);
    case 'TERMINATE_REQUESTED':
      return terminateRequested(state, action.instanceId);
    case 'TERMINATE_ACCEPTED':
      return terminateAccepted(state, action.instanceId, action.response);
    case 'REQUEST_FAILED':
      return action.op === 'launch'
        ? launchFailed(state, action.requestId, action.message, action.retryable ?? false)
        : terminateFailed(state, action.instanceId, action.message);
    case 'PROMOTE_REQUESTED':
      return promoteRequested(state, action.instanceId, action.requestId, action.demoteTo);
    case 'PROMOTE_ACCEPTED':
      return promoteAccepted(state, action.instanceId, action.response);
    case 'SWITCH_REQUESTED':
      return switchRequested(state, action.instanceId, action.requestId, action.target);
    case 'SWITCH_ACCEPTED':
      return switchAccepted(state, action.instanceId, action.response);
    case 'MOVE_FAILED':
      return moveFailed(state, action.instanceId, action.message);
    case 'MOVE_DISMISSED':
      return moveDismissed(state, action.instanceId);
    case 'CONNECTION_CHANGED':
      return connectionChanged(state, action.status, action.detail);
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

/** The state a page starts in: with the list in it when the list was prefetched and prepared in time. */
export function initialStateFor(prepared: PreparedList | null): FleetState {
  if (!prepared) return initialFleetState;
  const { list, listed } = prepared;
  return fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances: list.instances ?? [], lastEventId: list.last_event_id, listed });
}

function eventReceived(state: FleetState, id: number | null, event: FleetEvent, ownsCards = false): FleetState {
  // The stream is ordered by id; anything at or below what we applied is a replay or a duplicate.
  if (id !== null && state.lastEventId !== null && id <= state.lastEventId) return state;
  const base: FleetState = id !== null ? { ...state, lastEventId: id } : state;
  const timestamp = event.timestamp ?? null;

  if (isInstanceEventType(event.type)) {
    return applyInstanceEvent(base, id, event.type, event.data as InstanceEventData, timestamp, ownsCards);
  }
  switch (event.type) {
    case 'AGENT_STATUS_CHANGED':
      return applyAgentStatus(base, id, event.data, timestamp);
    case 'EMERGENCY_EVENT':
      return applyEmergency(base, id, event.data, timestamp);
    case 'COMMAND_EXECUTED':
      return settleMoveByCommand(applyCommandExecuted(base, id, event.data, timestamp), event.data);
    case 'HEARTBEAT':
      return { ...base, lastHeartbeatAt: timestamp ?? base.lastHeartbeatAt };
    case 'RESYNC':
      return resyncRequested(base, id, event.data?.reason, timestamp);
    default:
      return base;
  }
}
