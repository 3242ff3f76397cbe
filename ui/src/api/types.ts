// Wire types of the HTTP/SSE contract (shared/API.md). Field names are snake_case, as on the wire.

export type InstanceStatus =
  | 'launching'
  | 'running_primary'
  | 'running_replica'
  | 'promoting'
  | 'terminating'
  | 'terminated'
  | 'launch_failed'
  | 'launch_timed_out'
  | 'termination_failed'
  | 'termination_timed_out';

export type Role = 'primary' | 'replica';

export interface Instance {
  /** Stable id, assigned at launch request; never changes. Cards are keyed by it. */
  instance_id: string;
  /** Known only once the agent confirms the launch. */
  ec2_instance_id: string | null;
  request_id: string | null;
  agent_id: string;
  instance_type: string;
  role: Role;
  status: InstanceStatus;
  failure_reason?: string | null;
  launch_requested_at?: string | null;
  launch_confirmed_at?: string | null;
  launch_duration_seconds?: number | null;
  termination_requested_at?: string | null;
  termination_confirmed_at?: string | null;
  termination_duration_seconds?: number | null;
  /** The row's version; grows with every transition. */
  version?: number | null;
  /** Why the agent has not made its EC2 call yet (e.g. waiting for EC2's rate-limit budget); null once it has. */
  launch_queued_reason?: string | null;
  /** When the agent made (or will make) its EC2 call. */
  launch_call_at?: string | null;
  /** Which of the launch's alternatives ran. */
  launched_with?: LaunchAlternative | null;
  /** Alternatives tried before it and why each was skipped (e.g. no capacity). */
  skipped_alternatives?: SkippedAlternative[] | null;
}

export interface LaunchAlternative {
  instance_type: string;
  subnet_id?: string | null;
}

export interface SkippedAlternative extends LaunchAlternative {
  reason?: string | null;
}

/** What the old primary becomes when a replica is promoted. */
export type DemoteTo = 'replica' | 'terminated';

/** Body of POST /api/client/instances/{id}/promote. */
export interface PromoteRequest {
  request_id: string;
  demote_primary_to: DemoteTo;
}

/** 202 body of a promote: the replica, now `promoting`. */
export type PromoteResponse = Partial<Instance> & {
  instance_id: string;
  status: InstanceStatus;
};

export type CommandType = 'MANUAL_SWITCH' | 'ML_URGENT_SWITCH' | 'ML_NORMAL_SWITCH' | 'SCHEDULED_MAINTENANCE';
export type Market = 'spot' | 'on-demand';

export interface SwitchTarget {
  instance_type: string;
  subnet_id?: string;
  market: Market;
}

/** Body of POST /api/client/commands. */
export interface CommandRequest {
  agent_id: string;
  command_type: CommandType;
  request_id: string;
  metadata: { instance_id: string; target: SwitchTarget; not_before?: string };
}

/** 202 body of POST /api/client/commands (fields beyond these are kept as they come). */
export interface CommandResponse {
  command_id?: string;
  request_id?: string;
  status?: string;
  [extra: string]: unknown;
}

export interface InstanceList {
  instances: Instance[];
  last_event_id: number;
}

export interface ClientMe {
  client_id: string;
  name: string;
}

export type AgentStatus = 'online' | 'offline';

export interface Agent {
  agent_id: string;
  name?: string | null;
  transport?: string | null;
  status: AgentStatus;
  last_heartbeat_at?: string | null;
}

export interface AgentList {
  agents: Agent[];
}

export interface LaunchRequest {
  agent_id: string;
  instance_type: string;
  role: Role;
  request_id: string;
}

/** 202 body of POST /api/client/instances/launch (may carry more of the instance's fields). */
export type LaunchResponse = Partial<Instance> & {
  instance_id: string;
  request_id: string;
  status: InstanceStatus;
};

/** 202/200 body of POST /api/client/instances/{id}/terminate. */
export type TerminateResponse = Partial<Instance> & {
  instance_id: string;
  status: InstanceStatus;
};

export interface Ticket {
  ticket: string;
  expires_at: string;
  client_id: string;
}

/** RFC 9457 problem details. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  [extra: string]: unknown;
}

export const INSTANCE_EVENT_TYPES = [
  'INSTANCE_LAUNCHING',
  'INSTANCE_RUNNING',
  'INSTANCE_TERMINATING',
  'INSTANCE_TERMINATED',
  'INSTANCE_LAUNCH_FAILED',
  'INSTANCE_LAUNCH_TIMED_OUT',
  'INSTANCE_TERMINATION_FAILED',
  'INSTANCE_TERMINATION_TIMED_OUT',
  // The optimizer's moves and the agent's pacing: a replica promoted (the old primary demoted or
  // terminated), a launch waiting for its EC2 call.
  'INSTANCE_PROMOTING',
  'INSTANCE_PROMOTED',
  'INSTANCE_DEMOTED',
  'INSTANCE_LAUNCH_QUEUED',
] as const;

export type InstanceEventType = (typeof INSTANCE_EVENT_TYPES)[number];

export const EVENT_TYPES = [
  ...INSTANCE_EVENT_TYPES,
  'AGENT_STATUS_CHANGED',
  'EMERGENCY_EVENT',
  'COMMAND_EXECUTED',
  'HEARTBEAT',
  'RESYNC',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Data of the INSTANCE_* events: at least these fields, plus durations and `reason` by type. */
export type InstanceEventData = Partial<Instance> & {
  instance_id: string;
  reason?: string | null;
};

export interface AgentStatusChangedData {
  agent_id: string;
  status: AgentStatus;
  name?: string | null;
}

export type EmergencyKind = 'SPOT_INTERRUPTION' | 'REBALANCE_RECOMMENDATION';

export interface EmergencyEventData {
  agent_id: string;
  kind: EmergencyKind | string;
  ec2_instance_id?: string | null;
  instance_id?: string | null;
  action_time?: string | null;
}

export interface CommandExecutedData {
  command_id: string;
  agent_id: string;
  command_type: string;
  success: boolean;
  message?: string | null;
  request_id?: string | null;
  instance_id?: string | null;
}

export interface ResyncData {
  reason?: string | null;
}

/** The JSON in an SSE frame's `data:` line. */
export type FleetEvent =
  | { type: InstanceEventType; data: InstanceEventData; timestamp?: string }
  | { type: 'AGENT_STATUS_CHANGED'; data: AgentStatusChangedData; timestamp?: string }
  | { type: 'EMERGENCY_EVENT'; data: EmergencyEventData; timestamp?: string }
  | { type: 'COMMAND_EXECUTED'; data: CommandExecutedData; timestamp?: string }
  | { type: 'HEARTBEAT'; data?: unknown; timestamp?: string }
  | { type: 'RESYNC'; data: ResyncData; timestamp?: string };

export function isInstanceEventType(type: string): type is InstanceEventType {
  return (INSTANCE_EVENT_TYPES as readonly string[]).includes(type);
}
