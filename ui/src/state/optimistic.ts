// Our own requests in flight: a launch shows at once as a placeholder row, a terminate as a spinner
// over the server's status; the 202 answer or the stream settles them, a refusal rolls them back.

import type { InstanceEventData, LaunchRequest, LaunchResponse, TerminateResponse } from '../api/types';
import { lifecycleRank } from './format';
import {
  definedFields,
  fillMissing,
  findCard,
  pendingKey,
  withCard,
  type Card,
  type FleetState,
} from './fleetState';
import { announce } from './notices';
import type { Instance } from '../api/types';

export function launchRequested(state: FleetState, request: LaunchRequest, at: string): FleetState {
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

export function launchAccepted(state: FleetState, requestId: string, response: LaunchResponse): FleetState {
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
    const instance = newer ? { ...real.instance, ...fromResponse } : { ...fillMissing(real.instance, fromResponse) };
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

export function launchFailed(state: FleetState, requestId: string, message: string, retryable: boolean): FleetState {
  const key = pendingKey(requestId);
  const cards = { ...state.cards };
  if (cards[key]?.optimistic) delete cards[key];
  return {
    ...state,
    cards,
    launchError: { request_id: requestId, message, retryable },
    announcement: announce(state, `Launch failed: ${message}`),
  };
}

export function terminateRequested(state: FleetState, instanceId: string): FleetState {
  const card = state.cards[instanceId];
  if (!card || card.optimistic) return state;
  return withCard(state, { ...card, pending: 'terminate', error: null });
}

export function terminateAccepted(state: FleetState, instanceId: string, response: TerminateResponse): FleetState {
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
  return withCard(state, { ...card, instance, pending: null, error: null });
}

export function terminateFailed(state: FleetState, instanceId: string, message: string): FleetState {
  const card = state.cards[instanceId];
  if (!card) return state;
  // The server state was never touched: dropping the overlay rolls the card back.
  return {
    ...withCard(state, { ...card, pending: null, error: message }),
    announcement: announce(state, `Terminate refused: ${message}`),
  };
}
