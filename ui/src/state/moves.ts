// The optimizer's moves asked for from this page: promote a running replica (the old primary becomes a
// replica or is terminated), or switch a running primary to another type, subnet or market (a
// MANUAL_SWITCH command). Each request has its own request id; the card shows it in flight, and a
// refusal (a problem+json answer) stays beside the action it refused until dismissed.

import type { CommandExecutedData, CommandResponse, DemoteTo, InstanceEventData, PromoteResponse, SwitchTarget } from '../api/types';
import { lifecycleRank } from './format';
import { definedFields, fillMissing, withCard, type Card, type FleetState, type MoveState } from './fleetState';
import { announce } from './notices';
import { instanceLabel } from './selectors';

export type { MoveAction, MoveState } from './fleetState';

function idle(card: Card): boolean {
  return !card.optimistic && card.pending === null && card.move?.phase !== 'sending';
}

/** Promote is offered on a running replica with nothing of ours in flight. */
export function canPromote(card: Card): boolean {
  return idle(card) && card.instance.status === 'running_replica';
}

/** Switch is offered on a running primary with nothing of ours in flight. */
export function canSwitch(card: Card): boolean {
  return idle(card) && card.instance.status === 'running_primary';
}

export function promoteRequested(state: FleetState, instanceId: string, requestId: string, demoteTo: DemoteTo): FleetState {
  const card = state.cards[instanceId];
  if (!card || card.optimistic) return state;
  const move: MoveState = { action: 'promote', requestId, phase: 'sending', message: null, demoteTo };
  return {
    ...withCard(state, { ...card, move }),
    announcement: announce(state, `Promoting ${instanceLabel(card.instance)}…`),
  };
}

export function promoteAccepted(state: FleetState, instanceId: string, response: PromoteResponse): FleetState {
  const card = state.cards[instanceId];
  if (!card || card.move?.action !== 'promote') return state;
  const fromResponse = definedFields(response as InstanceEventData);
  const have = card.instance.version;
  const newer =
    typeof response.version === 'number' && typeof have === 'number'
      ? response.version > have
      : lifecycleRank(response.status) >= lifecycleRank(card.instance.status) && card.instance.status === 'running_replica';
  // Keep the card's version unless the answer carries one: the matching event must still apply.
  const instance = newer
    ? { ...card.instance, ...fromResponse, version: response.version ?? card.instance.version }
    : fillMissing(card.instance, fromResponse);
  return withCard(state, { ...card, instance, move: { ...card.move, phase: 'accepted', message: null } });
}

export function switchRequested(state: FleetState, instanceId: string, requestId: string, target: SwitchTarget): FleetState {
  const card = state.cards[instanceId];
  if (!card || card.optimistic) return state;
  const move: MoveState = { action: 'switch', requestId, phase: 'sending', message: null, target };
  return {
    ...withCard(state, { ...card, move }),
    announcement: announce(state, `Switch of ${instanceLabel(card.instance)} to ${target.instance_type} requested…`),
  };
}

export function switchAccepted(state: FleetState, instanceId: string, response: CommandResponse): FleetState {
  const card = state.cards[instanceId];
  if (!card || card.move?.action !== 'switch') return state;
  const commandId = typeof response.command_id === 'string' ? response.command_id : undefined;
  return withCard(state, { ...card, move: { ...card.move, phase: 'accepted', message: null, commandId } });
}

export function moveFailed(state: FleetState, instanceId: string, message: string): FleetState {
  const card = state.cards[instanceId];
  if (!card?.move) return state;
  const what = card.move.action === 'promote' ? 'Promote' : 'Switch';
  return {
    ...withCard(state, { ...card, move: { ...card.move, phase: 'failed', message } }),
    announcement: announce(state, `${what} refused: ${message}`),
  };
}

export function moveDismissed(state: FleetState, instanceId: string): FleetState {
  const card = state.cards[instanceId];
  return card?.move ? withCard(state, { ...card, move: null }) : state;
}

/**
 * The move a card keeps after an instance event: a promotion is done once the instance is the
 * primary (or is gone); any other move stays until its command's result or a dismissal.
 */
export function moveAfterEvent(move: MoveState | null | undefined, status: string): MoveState | null {
  if (!move) return null;
  if (move.action === 'promote' && move.phase !== 'failed' && (status === 'running_primary' || status === 'terminated')) return null;
  return move;
}

/** A switch's COMMAND_EXECUTED settles it: gone when it succeeded, shown with its message when not. */
export function settleMoveByCommand(state: FleetState, data: CommandExecutedData): FleetState {
  if (!data) return state;
  const requestId = data.request_id;
  const commandId = data.command_id;
  for (const key in state.cards) {
    const card = state.cards[key];
    const move = card.move;
    if (!move || move.phase === 'failed') continue;
    if ((requestId && move.requestId === requestId) || (commandId && move.commandId === commandId)) {
      const next: MoveState | null = data.success ? null : { ...move, phase: 'failed', message: data.message ?? 'The command failed.' };
      return withCard(state, { ...card, move: next });
    }
  }
  return state;
}
