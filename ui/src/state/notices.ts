// Everything on the page that is not an instance row: agents, emergency banners, command results, the
// activity log, the connection, and the text read out by the aria-live region.

import type { Agent, AgentStatusChangedData, CommandExecutedData, EmergencyEventData, InstanceStatus } from '../api/types';
import {
  ACTIVITY_LIMIT,
  findCard,
  withCard,
  type ActivityEntry,
  type ActivityTone,
  type Banner,
  type ConnectionStatus,
  type FleetState,
} from './fleetState';

export function pushActivity(activity: ActivityEntry[], entry: ActivityEntry): ActivityEntry[] {
  return [entry, ...activity].slice(0, ACTIVITY_LIMIT);
}

export function announce(state: FleetState, text: string): { seq: number; text: string } {
  return { seq: (state.announcement?.seq ?? 0) + 1, text };
}

export function toneFor(status: InstanceStatus): ActivityTone {
  if (status === 'launching' || status === 'terminating' || status === 'promoting') return 'info';
  if (status === 'running_primary' || status === 'running_replica' || status === 'terminated') return 'success';
  return 'danger';
}

export function agentsLoaded(state: FleetState, list: Agent[]): FleetState {
  const agents: Record<string, Agent> = {};
  for (const a of list) agents[a.agent_id] = a;
  return { ...state, agents };
}

export function connectionChanged(state: FleetState, status: ConnectionStatus, detail: string | null | undefined): FleetState {
  if (state.connection === status && state.connectionDetail === (detail ?? null)) return state;
  return {
    ...state,
    connection: status,
    connectionDetail: detail ?? null,
    announcement: state.connection !== status ? announce(state, connectionAnnouncement(status)) : state.announcement,
  };
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

export function resyncRequested(state: FleetState, id: number | null, reason: string | null | undefined, timestamp: string | null): FleetState {
  return {
    ...state,
    resyncRequired: true,
    activity: pushActivity(state.activity, {
      id: `ev-${id ?? 'resync'}-${timestamp ?? ''}`,
      eventId: id,
      type: 'RESYNC',
      text: `Resync required${reason ? `: ${reason}` : ''}. Re-listing the fleet.`,
      tone: 'warning',
      timestamp,
    }),
  };
}

export function applyAgentStatus(
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

export function emergencyLabel(kind: string): string {
  if (kind === 'SPOT_INTERRUPTION') return 'Spot interruption notice';
  if (kind === 'REBALANCE_RECOMMENDATION') return 'Rebalance recommendation';
  return kind;
}

export function applyEmergency(
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
  const card = findCard(state.cards, { instance_id: data.instance_id ?? '', ec2_instance_id: data.ec2_instance_id });
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

export function applyCommandExecuted(
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
