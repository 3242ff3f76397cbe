import { describe, expect, it } from 'vitest';
import type { FleetEvent, Instance } from '../api/types';
import { fleetReducer, initialFleetState, type FleetState } from './fleetReducer';
import { canPromote, canSwitch } from './moves';
import { displayStatus } from './selectors';
import { summarize } from './fleetSummary';

const base = { agent_id: 'demo-agent', instance_type: 't3.micro', launch_requested_at: '2025-01-01T10:00:00Z' };
const primary: Instance = { ...base, instance_id: 'p', ec2_instance_id: 'i-p', request_id: 'rp', role: 'primary', status: 'running_primary', version: 2 };
const replica: Instance = { ...base, instance_id: 'r', ec2_instance_id: 'i-r', request_id: 'rr', role: 'replica', status: 'running_replica', version: 2 };

function loaded(): FleetState {
  return fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances: [primary, replica], lastEventId: 10 });
}

function event(state: FleetState, id: number, type: FleetEvent['type'], data: object): FleetState {
  return fleetReducer(state, { type: 'EVENT_RECEIVED', id, event: { type, data, timestamp: '2025-01-01T11:00:00Z' } as FleetEvent });
}

describe('promote', () => {
  it('is offered on a running replica only, and not while a move of ours is in flight', () => {
    const s = loaded();
    expect(canPromote(s.cards.r)).toBe(true);
    expect(canPromote(s.cards.p)).toBe(false);
    expect(canSwitch(s.cards.p)).toBe(true);
    expect(canSwitch(s.cards.r)).toBe(false);
    const sending = fleetReducer(s, { type: 'PROMOTE_REQUESTED', instanceId: 'r', requestId: 'promote-1', demoteTo: 'replica' });
    expect(canPromote(sending.cards.r)).toBe(false);
  });

  it('shows promoting at once, counted in progress, then follows the failover on the stream', () => {
    let s = fleetReducer(loaded(), { type: 'PROMOTE_REQUESTED', instanceId: 'r', requestId: 'promote-1', demoteTo: 'terminated' });
    expect(displayStatus(s.cards.r)).toBe('promoting');
    expect(summarize(s.cards).counts).toMatchObject({ in_progress: 1, running: 1 });

    s = fleetReducer(s, { type: 'PROMOTE_ACCEPTED', instanceId: 'r', response: { instance_id: 'r', status: 'promoting' } });
    expect(s.cards.r.instance.status).toBe('promoting');
    expect(s.cards.r.move).toMatchObject({ phase: 'accepted', requestId: 'promote-1', demoteTo: 'terminated' });

    s = event(s, 11, 'INSTANCE_PROMOTING', { ...replica, status: 'promoting', version: 3 });
    expect(displayStatus(s.cards.r)).toBe('promoting');
    s = event(s, 12, 'INSTANCE_PROMOTED', { instance_id: 'r', ec2_instance_id: 'i-r', agent_id: 'demo-agent', instance_type: 't3.micro', version: 4 });
    expect(s.cards.r.instance).toMatchObject({ status: 'running_primary', role: 'primary' });
    expect(s.cards.r.move).toBeNull();
    s = event(s, 13, 'INSTANCE_TERMINATING', { ...primary, status: 'terminating', version: 3 });
    s = event(s, 14, 'INSTANCE_TERMINATED', { ...primary, status: 'terminated', version: 4 });
    expect(s.cards.p.instance.status).toBe('terminated');
    expect(summarize(s.cards).counts).toMatchObject({ running: 1, ended: 1, in_progress: 0 });
  });

  it('a demoted primary becomes a running replica', () => {
    const s = event(loaded(), 11, 'INSTANCE_DEMOTED', { instance_id: 'p', agent_id: 'demo-agent', instance_type: 't3.micro', version: 3 });
    expect(s.cards.p.instance).toMatchObject({ status: 'running_replica', role: 'replica' });
  });

  it('a refusal rolls the overlay back and stays beside the action until dismissed', () => {
    let s = fleetReducer(loaded(), { type: 'PROMOTE_REQUESTED', instanceId: 'r', requestId: 'promote-1', demoteTo: 'replica' });
    s = fleetReducer(s, { type: 'MOVE_FAILED', instanceId: 'r', message: 'Conflict — not a running replica' });
    expect(displayStatus(s.cards.r)).toBe('running_replica');
    expect(s.cards.r.move).toMatchObject({ action: 'promote', phase: 'failed', message: 'Conflict — not a running replica' });
    expect(s.announcement?.text).toContain('Promote refused');
    // An unrelated event keeps the refusal shown.
    s = event(s, 11, 'INSTANCE_RUNNING', { ...replica, version: 3 });
    expect(s.cards.r.move?.phase).toBe('failed');
    s = fleetReducer(s, { type: 'MOVE_DISMISSED', instanceId: 'r' });
    expect(s.cards.r.move).toBeNull();
  });

  it('survives a re-list while in flight', () => {
    let s = fleetReducer(loaded(), { type: 'PROMOTE_REQUESTED', instanceId: 'r', requestId: 'promote-1', demoteTo: 'replica' });
    s = fleetReducer(s, { type: 'RESYNCED', instances: [primary, replica], lastEventId: 20 });
    expect(s.cards.r.move?.requestId).toBe('promote-1');
    expect(displayStatus(s.cards.r)).toBe('promoting');
  });
});

describe('switch', () => {
  it('is accepted, then settled by its COMMAND_EXECUTED: gone on success, shown with the message on failure', () => {
    const target = { instance_type: 'm5.large', market: 'spot' as const };
    let s = fleetReducer(loaded(), { type: 'SWITCH_REQUESTED', instanceId: 'p', requestId: 'switch-1', target });
    expect(s.cards.p.move).toMatchObject({ action: 'switch', phase: 'sending', target });
    expect(displayStatus(s.cards.p)).toBe('running_primary');
    s = fleetReducer(s, { type: 'SWITCH_ACCEPTED', instanceId: 'p', response: { command_id: 'cmd-9' } });
    expect(s.cards.p.move).toMatchObject({ phase: 'accepted', commandId: 'cmd-9' });

    const failed = event(s, 11, 'COMMAND_EXECUTED', {
      command_id: 'cmd-9',
      agent_id: 'demo-agent',
      command_type: 'MANUAL_SWITCH',
      success: false,
      message: 'no capacity for m5.large',
    });
    expect(failed.cards.p.move).toMatchObject({ phase: 'failed', message: 'no capacity for m5.large' });

    const done = event(s, 11, 'COMMAND_EXECUTED', {
      command_id: 'other',
      request_id: 'switch-1',
      agent_id: 'demo-agent',
      command_type: 'MANUAL_SWITCH',
      success: true,
    });
    expect(done.cards.p.move).toBeNull();
  });
});

describe('launch pacing fields', () => {
  it('are kept from events and the list, and a queued launch says so', () => {
    const queued: Instance = { ...base, instance_id: 'q', ec2_instance_id: null, request_id: 'rq', role: 'primary', status: 'launching', version: 1 };
    let s = fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances: [queued], lastEventId: 1 });
    s = event(s, 2, 'INSTANCE_LAUNCH_QUEUED', { ...queued, launch_queued_reason: 'waiting for EC2 rate-limit budget', version: 2 });
    expect(s.cards.q.instance).toMatchObject({ status: 'launching', launch_queued_reason: 'waiting for EC2 rate-limit budget' });
    s = event(s, 3, 'INSTANCE_RUNNING', {
      ...queued,
      status: 'running_primary',
      ec2_instance_id: 'i-q',
      launch_queued_reason: null,
      launched_with: { instance_type: 'm5.large', subnet_id: 'subnet-b' },
      skipped_alternatives: [{ instance_type: 't3.micro', subnet_id: 'subnet-a', reason: 'InsufficientInstanceCapacity' }],
      version: 3,
    });
    expect(s.cards.q.instance.launched_with).toEqual({ instance_type: 'm5.large', subnet_id: 'subnet-b' });
    expect(s.cards.q.instance.skipped_alternatives).toHaveLength(1);
    expect(s.cards.q.instance.launch_queued_reason).toBeNull();
  });
});
