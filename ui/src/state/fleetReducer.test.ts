import { describe, expect, it } from 'vitest';
import type { FleetEvent, Instance, InstanceEventData, InstanceEventType } from '../api/types';
import {
  canTerminate,
  displayStatus,
  fleetReducer,
  initialFleetState,
  pendingKey,
  selectCards,
  selectCounts,
  type FleetAction,
  type FleetState,
} from './fleetReducer';
import { formatDuration } from './format';

const T0 = '2025-01-01T10:00:00Z';

function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    instance_id: 'inst-1',
    ec2_instance_id: null,
    request_id: 'req-1',
    agent_id: 'demo-agent',
    instance_type: 't3.micro',
    role: 'primary',
    status: 'launching',
    launch_requested_at: T0,
    version: 1,
    ...overrides,
  };
}

function instanceEvent(id: number, type: InstanceEventType, data: Partial<InstanceEventData>): FleetAction {
  const event = {
    type,
    data: {
      instance_id: 'inst-1',
      ec2_instance_id: null,
      agent_id: 'demo-agent',
      instance_type: 't3.micro',
      role: 'primary',
      request_id: 'req-1',
      ...data,
    },
    timestamp: T0,
  } as FleetEvent;
  return { type: 'EVENT_RECEIVED', id, event };
}

function reduce(state: FleetState, ...actions: FleetAction[]): FleetState {
  return actions.reduce(fleetReducer, state);
}

function listed(instances: Instance[], lastEventId = 10): FleetState {
  return fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances, lastEventId });
}

const running = (id: number, version: number, extra: Partial<InstanceEventData> = {}) =>
  instanceEvent(id, 'INSTANCE_RUNNING', {
    status: 'running_primary',
    ec2_instance_id: 'i-0abc',
    launch_duration_seconds: 12.34,
    version,
    ...extra,
  });

describe('fleetReducer: list', () => {
  it('keys cards by instance_id and remembers the list position', () => {
    const state = listed([instance(), instance({ instance_id: 'inst-2', request_id: 'req-2' })], 42);
    expect(Object.keys(state.cards).sort()).toEqual(['inst-1', 'inst-2']);
    expect(state.lastEventId).toBe(42);
    expect(state.loaded).toBe(true);
  });
});

describe('fleetReducer: ordering and duplicates', () => {
  it('ignores an out-of-order event whose version is older than the card', () => {
    const afterRunning = reduce(listed([instance({ version: 1 })]), running(12, 2));
    expect(afterRunning.cards['inst-1'].instance.status).toBe('running_primary');

    // An older transition delivered late (higher id, lower version) changes no card.
    const late = fleetReducer(afterRunning, instanceEvent(13, 'INSTANCE_LAUNCHING', { status: 'launching', version: 1 }));
    expect(late.cards).toBe(afterRunning.cards);
    expect(late.cards['inst-1'].instance.status).toBe('running_primary');
    expect(late.cards['inst-1'].instance.ec2_instance_id).toBe('i-0abc');
    expect(late.lastEventId).toBe(13);
  });

  it('ignores a duplicate event (same id) without any change', () => {
    const once = reduce(listed([instance()]), running(11, 2));
    const twice = fleetReducer(once, running(11, 2));
    expect(twice).toBe(once);
  });

  it('ignores a replayed event at or below the list position', () => {
    const state = listed([instance({ status: 'running_primary', version: 2 })], 20);
    expect(fleetReducer(state, instanceEvent(20, 'INSTANCE_LAUNCHING', { version: 1 }))).toBe(state);
    expect(fleetReducer(state, instanceEvent(7, 'INSTANCE_TERMINATED', { version: 9 }))).toBe(state);
  });

  it('ignores the same version delivered again under a new id', () => {
    const once = reduce(listed([instance()]), running(11, 2));
    const again = fleetReducer(once, running(12, 2, { launch_duration_seconds: 99 }));
    expect(again.cards).toBe(once.cards);
    expect(again.cards['inst-1'].instance.launch_duration_seconds).toBe(12.34);
  });

  it('without versions, never moves a card backwards in its lifecycle', () => {
    const state = listed([instance({ status: 'terminated', version: null })]);
    const next = fleetReducer(state, instanceEvent(11, 'INSTANCE_LAUNCHING', { status: 'launching', version: undefined }));
    expect(next.cards['inst-1'].instance.status).toBe('terminated');
  });
});

describe('fleetReducer: optimistic launch', () => {
  const request = { agent_id: 'demo-agent', instance_type: 't3.micro', role: 'primary' as const, request_id: 'req-9' };
  const requested = (s: FleetState) => fleetReducer(s, { type: 'LAUNCH_REQUESTED', request, at: T0 });
  const accepted: FleetAction = {
    type: 'LAUNCH_ACCEPTED',
    requestId: 'req-9',
    response: {
      instance_id: 'inst-9',
      request_id: 'req-9',
      status: 'launching',
      agent_id: 'demo-agent',
      instance_type: 't3.micro',
      role: 'primary',
      launch_requested_at: T0,
    },
  };
  const launching = instanceEvent(11, 'INSTANCE_LAUNCHING', {
    instance_id: 'inst-9',
    request_id: 'req-9',
    status: 'launching',
    version: 1,
  });
  const runningEvent = instanceEvent(12, 'INSTANCE_RUNNING', {
    instance_id: 'inst-9',
    request_id: 'req-9',
    status: 'running_primary',
    ec2_instance_id: 'i-0999',
    launch_duration_seconds: 8.25,
    version: 2,
  });

  it('shows a launching card at once, before any answer', () => {
    const state = requested(listed([]));
    const cards = selectCards(state);
    expect(cards).toHaveLength(1);
    expect(cards[0].key).toBe(pendingKey('req-9'));
    expect(cards[0].optimistic).toBe(true);
    expect(displayStatus(cards[0])).toBe('launching');
    expect(canTerminate(cards[0])).toBe(false);
  });

  it('is reconciled by the 202 answer and then by the events: one card throughout', () => {
    let state = reduce(listed([]), { type: 'LAUNCH_REQUESTED', request, at: T0 }, accepted);
    expect(Object.keys(state.cards)).toEqual(['inst-9']);
    expect(state.cards['inst-9'].optimistic).toBe(false);

    state = reduce(state, launching);
    expect(Object.keys(state.cards)).toEqual(['inst-9']);

    state = reduce(state, runningEvent);
    expect(Object.keys(state.cards)).toEqual(['inst-9']);
    const card = state.cards['inst-9'];
    expect(card.instance.status).toBe('running_primary');
    expect(card.instance.ec2_instance_id).toBe('i-0999');
    expect(card.pending).toBeNull();
  });

  it('is reconciled when the events overtake the 202 answer: the late answer does not downgrade', () => {
    let state = reduce(listed([]), { type: 'LAUNCH_REQUESTED', request, at: T0 }, launching);
    expect(Object.keys(state.cards)).toEqual(['inst-9']);

    state = reduce(state, runningEvent, accepted);
    expect(Object.keys(state.cards)).toEqual(['inst-9']);
    expect(state.cards['inst-9'].instance.status).toBe('running_primary');
    expect(state.cards['inst-9'].instance.version).toBe(2);
  });

  it('keeps an unanswered launch across a list reload, and drops it once the list has it', () => {
    const pending = requested(listed([]));
    const reloaded = fleetReducer(pending, { type: 'LIST_LOADED', instances: [], lastEventId: 10 });
    expect(Object.keys(reloaded.cards)).toEqual([pendingKey('req-9')]);
    const withIt = fleetReducer(pending, {
      type: 'LIST_LOADED',
      instances: [instance({ instance_id: 'inst-9', request_id: 'req-9' })],
      lastEventId: 11,
    });
    expect(Object.keys(withIt.cards)).toEqual(['inst-9']);
  });

  it('is rolled back by a problem answer, which is shown in the form', () => {
    const state = reduce(requested(listed([])), {
      type: 'REQUEST_FAILED',
      op: 'launch',
      requestId: 'req-9',
      message: 'Not Found — no agent demo-agent',
      retryable: false,
    });
    expect(state.cards).toEqual({});
    expect(state.launchError).toEqual({ request_id: 'req-9', message: 'Not Found — no agent demo-agent', retryable: false });
  });

  it('a retried click with the same request_id does not add a second card', () => {
    const state = reduce(listed([]), { type: 'LAUNCH_REQUESTED', request, at: T0 }, accepted, {
      type: 'LAUNCH_REQUESTED',
      request,
      at: T0,
    });
    expect(Object.keys(state.cards)).toEqual(['inst-9']);
  });
});

describe('fleetReducer: optimistic terminate', () => {
  const base = listed([instance({ status: 'running_primary', ec2_instance_id: 'i-0abc', version: 2 })]);

  it('shows terminating at once and is rolled back by a problem answer', () => {
    const requested = fleetReducer(base, { type: 'TERMINATE_REQUESTED', instanceId: 'inst-1', at: T0 });
    expect(displayStatus(requested.cards['inst-1'])).toBe('terminating');
    expect(canTerminate(requested.cards['inst-1'])).toBe(false);

    const failed = fleetReducer(requested, {
      type: 'REQUEST_FAILED',
      op: 'terminate',
      instanceId: 'inst-1',
      message: 'Conflict — the instance is not in a state that can be terminated',
    });
    const card = failed.cards['inst-1'];
    expect(displayStatus(card)).toBe('running_primary');
    expect(card.instance).toEqual(base.cards['inst-1'].instance);
    expect(card.pending).toBeNull();
    expect(card.error).toMatch(/Conflict/);
    expect(canTerminate(card)).toBe(true);
  });

  it('follows the 202 answer and then the events to terminated, with the duration', () => {
    const state = reduce(
      base,
      { type: 'TERMINATE_REQUESTED', instanceId: 'inst-1', at: T0 },
      {
        type: 'TERMINATE_ACCEPTED',
        instanceId: 'inst-1',
        response: { instance_id: 'inst-1', status: 'terminating', termination_requested_at: T0 },
      },
      instanceEvent(11, 'INSTANCE_TERMINATING', { status: 'terminating', ec2_instance_id: 'i-0abc', version: 3 }),
      instanceEvent(12, 'INSTANCE_TERMINATED', {
        status: 'terminated',
        ec2_instance_id: 'i-0abc',
        termination_duration_seconds: 4,
        version: 4,
      }),
    );
    const card = state.cards['inst-1'];
    expect(card.instance.status).toBe('terminated');
    expect(card.pending).toBeNull();
    expect(formatDuration(card.instance.termination_duration_seconds)).toBe('4.0 s');
    expect(Object.keys(state.cards)).toHaveLength(1);
  });

  it('a terminate event that overtakes the answer ends the pending state', () => {
    const state = reduce(
      base,
      { type: 'TERMINATE_REQUESTED', instanceId: 'inst-1', at: T0 },
      instanceEvent(11, 'INSTANCE_TERMINATING', { status: 'terminating', version: 3 }),
    );
    expect(state.cards['inst-1'].pending).toBeNull();
    expect(state.cards['inst-1'].instance.status).toBe('terminating');
  });
});

describe('fleetReducer: EC2 id', () => {
  it('the EC2 id arriving updates the same card, and a later null does not erase it', () => {
    const state = reduce(
      listed([]),
      instanceEvent(11, 'INSTANCE_LAUNCHING', { status: 'launching', version: 1 }),
      running(12, 2),
      instanceEvent(13, 'INSTANCE_TERMINATING', { status: 'terminating', ec2_instance_id: null, version: 3 }),
    );
    expect(Object.keys(state.cards)).toEqual(['inst-1']);
    expect(state.cards['inst-1'].instance.ec2_instance_id).toBe('i-0abc');
    expect(state.cards['inst-1'].instance.status).toBe('terminating');
  });
});

describe('fleetReducer: failures, agents, emergencies', () => {
  it('a failure event turns the card red with its reason', () => {
    const state = reduce(
      listed([instance()]),
      instanceEvent(11, 'INSTANCE_LAUNCH_TIMED_OUT', { status: 'launch_timed_out', reason: 'no confirmation in 5 min', version: 2 }),
    );
    expect(state.cards['inst-1'].instance.status).toBe('launch_timed_out');
    expect(state.cards['inst-1'].instance.failure_reason).toBe('no confirmation in 5 min');
    expect(selectCounts(state).failed).toBe(1);
  });

  it('AGENT_STATUS_CHANGED updates the agent', () => {
    const state = reduce(
      fleetReducer(listed([]), { type: 'AGENTS_LOADED', agents: [{ agent_id: 'demo-agent', status: 'online' }] }),
      { type: 'EVENT_RECEIVED', id: 11, event: { type: 'AGENT_STATUS_CHANGED', data: { agent_id: 'demo-agent', status: 'offline' } } },
    );
    expect(state.agents['demo-agent'].status).toBe('offline');
  });

  it('EMERGENCY_EVENT adds one dismissable banner and marks the card', () => {
    const emergency: FleetAction = {
      type: 'EVENT_RECEIVED',
      id: 11,
      event: {
        type: 'EMERGENCY_EVENT',
        data: {
          agent_id: 'demo-agent',
          kind: 'SPOT_INTERRUPTION',
          ec2_instance_id: 'i-0abc',
          instance_id: 'inst-1',
          action_time: T0,
        },
      },
    };
    const state = reduce(listed([instance({ status: 'running_primary', ec2_instance_id: 'i-0abc' })]), emergency, emergency);
    expect(state.banners).toHaveLength(1);
    expect(state.cards['inst-1'].emergency?.kind).toBe('SPOT_INTERRUPTION');
    const dismissed = fleetReducer(state, { type: 'BANNER_DISMISSED', id: state.banners[0].id });
    expect(dismissed.banners).toHaveLength(0);
  });

  it('HEARTBEAT and COMMAND_EXECUTED change no card', () => {
    const state = listed([instance()]);
    const next = reduce(
      state,
      { type: 'EVENT_RECEIVED', id: 11, event: { type: 'HEARTBEAT', timestamp: T0 } },
      {
        type: 'EVENT_RECEIVED',
        id: 12,
        event: {
          type: 'COMMAND_EXECUTED',
          data: { command_id: 'c1', agent_id: 'demo-agent', command_type: 'LAUNCH_INSTANCE', success: true },
        },
      },
    );
    expect(next.cards).toBe(state.cards);
    expect(next.lastEventId).toBe(12);
    expect(next.activity[0].text).toMatch(/LAUNCH_INSTANCE on demo-agent succeeded/);
  });
});

describe('fleetReducer: resync', () => {
  it('RESYNC asks for a re-list, and the re-list replaces the cards and the position', () => {
    const before = reduce(
      listed([instance(), instance({ instance_id: 'gone', request_id: 'req-gone' })], 10),
      running(11, 2),
      { type: 'EVENT_RECEIVED', id: 500, event: { type: 'RESYNC', data: { reason: 'resume point older than retention' } } },
    );
    expect(before.resyncRequired).toBe(true);

    const after = fleetReducer(before, {
      type: 'RESYNCED',
      instances: [
        instance({ status: 'terminated', ec2_instance_id: 'i-0abc', version: 7 }),
        instance({ instance_id: 'inst-new', request_id: 'req-new', version: 1 }),
      ],
      lastEventId: 900,
    });
    expect(after.resyncRequired).toBe(false);
    expect(Object.keys(after.cards).sort()).toEqual(['inst-1', 'inst-new']);
    expect(after.cards['inst-1'].instance.status).toBe('terminated');
    expect(after.lastEventId).toBe(900);
    // Events up to the new position are already in the list.
    expect(fleetReducer(after, running(900, 8))).toBe(after);
  });
});

describe('durations', () => {
  it('formats launch and termination durations', () => {
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(0.5)).toBe('0.5 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(undefined)).toBeNull();
  });

  it('keeps the durations the events carry on the card', () => {
    const state = reduce(listed([instance()]), running(11, 2, { launch_duration_seconds: 12.34 }));
    expect(formatDuration(state.cards['inst-1'].instance.launch_duration_seconds)).toBe('12.3 s');
  });
});

describe('fleetReducer: a batch of events', () => {
  it('ends where the same events one by one end, and leaves the earlier state untouched', () => {
    const start = listed([instance(), instance({ instance_id: 'inst-2', request_id: 'req-2', status: 'running_primary', version: 2 })]);
    const snapshot = JSON.stringify(start);
    const events = [
      running(11, 2),
      instanceEvent(12, 'INSTANCE_TERMINATING', { status: 'terminating', ec2_instance_id: 'i-0abc', version: 3 }),
      running(11, 2), // a duplicate inside the batch
      instanceEvent(13, 'INSTANCE_LAUNCHING', { instance_id: 'inst-3', request_id: 'req-3', status: 'launching', version: 1 }),
      instanceEvent(14, 'INSTANCE_TERMINATED', { status: 'terminated', ec2_instance_id: 'i-0abc', termination_duration_seconds: 4, version: 4 }),
    ] as Extract<FleetAction, { type: 'EVENT_RECEIVED' }>[];
    const oneByOne = reduce(start, ...events);
    const batched = fleetReducer(start, { type: 'EVENTS_RECEIVED', events: events.map(({ id, event }) => ({ id, event })) });
    expect(batched.cards).toEqual(oneByOne.cards);
    expect(batched.lastEventId).toBe(14);
    expect(batched.activity.map((a) => a.text)).toEqual(oneByOne.activity.map((a) => a.text));
    expect(JSON.stringify(start)).toBe(snapshot);
    expect(batched.cards).not.toBe(start.cards);
  });
});
