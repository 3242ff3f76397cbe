import { describe, expect, it } from 'vitest';
import { causeOf, explainStatus, historyEntryFromEvent, mergeHistory, toTimeline, type HistoryEntry } from './timeline';

const h = (event_id: number, type: string, timestamp: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  event_id,
  type,
  timestamp,
  status: null,
  reason: null,
  data: {},
  ...extra,
});

const launchTimedOut = [
  h(3, 'INSTANCE_LAUNCHING', '2025-01-01T10:00:00Z', { status: 'launching' }),
  h(9, 'INSTANCE_LAUNCH_TIMED_OUT', '2025-01-01T10:05:00Z', { status: 'launch_timed_out', reason: 'no launch confirmation within PT5M' }),
];

describe('instance timeline', () => {
  it('merges the fetched history and live events in event order without duplicates', () => {
    const merged = mergeHistory(launchTimedOut, [h(9, 'INSTANCE_LAUNCH_TIMED_OUT', 'x'), h(12, 'INSTANCE_TERMINATING', 'y'), h(5, 'COMMAND_EXECUTED', 'z')]);
    expect(merged.map((e) => e.event_id)).toEqual([3, 5, 9, 12]);
    expect(mergeHistory(merged, [h(3, 'INSTANCE_LAUNCHING', 'again')])).toBe(merged);
  });

  it('takes from the stream only the frames about this instance, by stable or EC2 id', () => {
    const me = { instance_id: 'inst-1', ec2_instance_id: 'i-0aaa' };
    const ev = (type: string, data: object) => ({ type, data, timestamp: '2025-01-01T10:00:01Z' }) as never;
    expect(historyEntryFromEvent(7, ev('INSTANCE_RUNNING', { instance_id: 'inst-1', status: 'running_primary' }), me)).toMatchObject({ event_id: 7, status: 'running_primary' });
    expect(historyEntryFromEvent(8, ev('EMERGENCY_EVENT', { kind: 'SPOT_INTERRUPTION', ec2_instance_id: 'i-0aaa' }), me)?.type).toBe('EMERGENCY_EVENT');
    expect(historyEntryFromEvent(9, ev('COMMAND_EXECUTED', { success: true, metadata: { instance_id: 'inst-1' } }), me)?.type).toBe('COMMAND_EXECUTED');
    expect(historyEntryFromEvent(10, ev('INSTANCE_RUNNING', { instance_id: 'inst-2' }), me)).toBeNull();
    expect(historyEntryFromEvent(11, ev('HEARTBEAT', { instance_id: 'inst-1' }), me)).toBeNull();
    expect(historyEntryFromEvent(null, ev('INSTANCE_RUNNING', { instance_id: 'inst-1' }), me)).toBeNull();
  });

  it('says who caused each transition', () => {
    expect(causeOf(h(1, 'INSTANCE_LAUNCHING', ''))).toBe('client');
    expect(causeOf(h(1, 'INSTANCE_RUNNING', ''))).toBe('agent');
    expect(causeOf(h(1, 'INSTANCE_LAUNCH_TIMED_OUT', ''))).toBe('timeout');
    expect(causeOf(h(1, 'INSTANCE_TERMINATING', '', { reason: 'requested by client' }))).toBe('client');
    expect(causeOf(h(1, 'INSTANCE_TERMINATING', '', { reason: 'launch timed out; reclaiming any instance it started' }))).toBe('timeout');
    expect(causeOf(h(1, 'INSTANCE_TERMINATING', '', { reason: 'reconcile: workflow gone' }))).toBe('reconciliation');
    expect(causeOf(h(1, 'INSTANCE_TERMINATED', '', { reason: 'spot_interruption' }))).toBe('ec2');
    expect(causeOf(h(1, 'INSTANCE_TERMINATED', '', { data: { caused_by: 'reconciliation' } }))).toBe('reconciliation');
  });

  it('shows titles, time since the previous entry, durations and command results', () => {
    const items = toTimeline([
      ...launchTimedOut.slice(0, 1),
      h(4, 'INSTANCE_RUNNING', '2025-01-01T10:00:12.300Z', { status: 'running_primary', data: { launch_duration_seconds: 12.3 } }),
      h(6, 'COMMAND_EXECUTED', '2025-01-01T10:01:00Z', { data: { command_type: 'MANUAL_SWITCH', success: false, message: 'no capacity' } }),
    ]);
    expect(items.map((i) => i.title)).toEqual(['Launch requested', 'Running (launch confirmed)', 'MANUAL_SWITCH failed']);
    expect(items[0].sincePrevious).toBeNull();
    expect(items[1].sincePrevious).toBe('12.3 s');
    expect(items[1].duration).toBe('12.3 s');
    expect(items[2]).toMatchObject({ tone: 'danger', reason: 'no capacity', command: { success: false } });
  });

  it('explains a timed-out or failed launch', () => {
    expect(explainStatus('launch_timed_out', launchTimedOut, 'demo-agent')).toMatch(
      /^The launch timed out: agent demo-agent did not confirm it within 5 min 00 s \(no launch confirmation within PT5M\)\./,
    );
    expect(
      explainStatus('launch_failed', [h(2, 'INSTANCE_LAUNCH_FAILED', '', { status: 'launch_failed', reason: 'InsufficientInstanceCapacity' })], 'a'),
    ).toBe('The launch failed: InsufficientInstanceCapacity. EC2 or the agent refused it; nothing is running.');
    expect(explainStatus('running_primary', launchTimedOut, 'a')).toBeNull();
  });
});

describe('a failover in the timeline', () => {
  it('names the interruption notice, the promotion and the demotion', () => {
    const items = toTimeline([
      h(20, 'EMERGENCY_EVENT', '2025-01-01T11:00:00Z', { data: { kind: 'SPOT_INTERRUPTION', ec2_instance_id: 'i-0aaa' } }),
      h(21, 'INSTANCE_PROMOTING', '2025-01-01T11:00:01Z', { status: 'promoting' }),
      h(22, 'INSTANCE_PROMOTED', '2025-01-01T11:00:03Z', { status: 'running_primary' }),
      h(23, 'INSTANCE_DEMOTED', '2025-01-01T11:00:04Z', { status: 'running_replica' }),
      h(24, 'INSTANCE_LAUNCH_QUEUED', '2025-01-01T11:00:05Z', { status: 'launching', reason: 'waiting for EC2 rate-limit budget' }),
    ]);
    expect(items.map((i) => i.title)).toEqual([
      'Emergency: SPOT_INTERRUPTION',
      'Promotion requested',
      'Promoted to primary',
      'Demoted to replica',
      'Queued for the agent',
    ]);
    expect(items[0].tone).toBe('danger');
    expect(items[2].sincePrevious).toBe('2.0 s');
  });
});
