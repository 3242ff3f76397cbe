import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FleetEvent } from '../api/types';
import { FleetStream, streamUrl, type EventSourceLike, type FleetStreamOptions, type StreamStatus } from './fleetStream';

class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null = null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null = null;
  closed = false;
  private listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  private lastId = '';

  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }

  static get latest(): FakeEventSource {
    return FakeEventSource.all[FakeEventSource.all.length - 1];
  }

  get params(): URLSearchParams {
    return new URL(this.url, 'http://ui.test').searchParams;
  }

  addEventListener(type: string, listener: (ev: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  open(): void {
    this.onopen?.call(this, new Event('open'));
  }

  /** Like the browser: `lastEventId` keeps the last `id:` seen on this connection. */
  emit(type: string, id: number | null, data: unknown): void {
    if (id !== null) this.lastId = String(id);
    const ev = new MessageEvent(type, { data: JSON.stringify({ type, data, timestamp: '2025-01-01T00:00:00Z' }), lastEventId: this.lastId });
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }

  fail(): void {
    this.onerror?.call(this, new Event('error'));
  }
}

interface Harness {
  stream: FleetStream;
  events: { id: number | null; event: FleetEvent }[];
  statuses: StreamStatus[];
  tickets: string[];
  options: FleetStreamOptions;
}

function harness(overrides: Partial<FleetStreamOptions> = {}): Harness {
  const events: Harness['events'] = [];
  const statuses: StreamStatus[] = [];
  const tickets: string[] = [];
  const options: FleetStreamOptions = {
    clientId: 'demo',
    fromEventId: 5,
    getTicket: vi.fn(async () => {
      const ticket = `t${tickets.length + 1}`;
      tickets.push(ticket);
      return { ticket, client_id: 'demo' };
    }),
    onEvent: (id, event) => events.push({ id, event }),
    onStatus: (s) => statuses.push(s),
    onResync: vi.fn(async () => 100),
    createEventSource: (url) => new FakeEventSource(url),
    staleAfterMs: 0,
    ...overrides,
  };
  return { stream: new FleetStream(options), events, statuses, tickets, options };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FleetStream', () => {
  it('opens one stream with a ticket, from the list position', async () => {
    const h = harness();
    h.stream.start();
    await flush();
    expect(FakeEventSource.all).toHaveLength(1);
    const es = FakeEventSource.latest;
    expect(es.url.startsWith('/api/events/stream/demo?')).toBe(true);
    expect(es.params.get('ticket')).toBe('t1');
    expect(es.params.get('last_event_id')).toBe('5');
    es.open();
    expect(h.statuses.at(-1)).toBe('live');
  });

  it('on error closes the source, backs off, and resumes from the last processed id with a fresh ticket', async () => {
    const h = harness();
    h.stream.start();
    await flush();
    const first = FakeEventSource.latest;
    first.open();
    first.emit('INSTANCE_LAUNCHING', 6, { instance_id: 'inst-1' });
    first.emit('INSTANCE_RUNNING', 7, { instance_id: 'inst-1' });
    expect(h.events.map((e) => e.id)).toEqual([6, 7]);
    expect(h.stream.lastEventId).toBe(7);

    first.fail();
    expect(first.closed).toBe(true);
    expect(h.statuses.at(-1)).toBe('reconnecting');

    await vi.advanceTimersByTimeAsync(999);
    expect(FakeEventSource.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.all).toHaveLength(2);
    const second = FakeEventSource.latest;
    expect(second.params.get('ticket')).toBe('t2');
    expect(second.params.get('last_event_id')).toBe('7');

    // The closed source can no longer deliver anything.
    first.emit('INSTANCE_TERMINATING', 8, { instance_id: 'inst-1' });
    expect(h.events).toHaveLength(2);

    second.open();
    expect(h.statuses.at(-1)).toBe('live');
  });

  it('backs off 1 s, 2 s, 5 s, 5 s and starts over after a successful open', async () => {
    const h = harness();
    h.stream.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = FakeEventSource.all.length;
      FakeEventSource.latest.fail();
      let waited = 0;
      while (FakeEventSource.all.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1000, 2000, 5000, 5000]);

    FakeEventSource.latest.open();
    FakeEventSource.latest.fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.all).toHaveLength(6);
  });

  it('retries a failed ticket request with back-off', async () => {
    let calls = 0;
    const h = harness({
      getTicket: async () => {
        calls++;
        if (calls === 1) throw new Error('network');
        return { ticket: `t${calls}` };
      },
    });
    h.stream.start();
    await flush();
    expect(FakeEventSource.all).toHaveLength(0);
    expect(h.statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(FakeEventSource.latest.params.get('ticket')).toBe('t2');
  });

  it('on RESYNC re-lists, then watches from the new list position with a fresh ticket', async () => {
    const h = harness();
    h.stream.start();
    await flush();
    const first = FakeEventSource.latest;
    first.open();
    first.emit('RESYNC', 50, { reason: 'too old' });
    expect(h.events.at(-1)?.event.type).toBe('RESYNC');
    expect(first.closed).toBe(true);
    await flush();
    expect(h.options.onResync).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(FakeEventSource.latest.params.get('last_event_id')).toBe('100');
    expect(FakeEventSource.latest.params.get('ticket')).toBe('t2');
  });

  it('stops for good on a fatal error (revoked token)', async () => {
    const h = harness({
      getTicket: async () => {
        throw Object.assign(new Error('401'), { status: 401 });
      },
      isFatal: (e) => (e as { status?: number }).status === 401,
    });
    h.stream.start();
    await flush();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(FakeEventSource.all).toHaveLength(0);
    expect(h.statuses.at(-1)).toBe('offline');
  });

  it('reconnects when the stream goes silent (no heartbeat)', async () => {
    const h = harness({ staleAfterMs: 75_000 });
    h.stream.start();
    await flush();
    const first = FakeEventSource.latest;
    first.open();
    await vi.advanceTimersByTimeAsync(60_000);
    first.emit('HEARTBEAT', null, {});
    await vi.advanceTimersByTimeAsync(60_000);
    expect(first.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(h.statuses).toContain('reconnecting');
  });

  it('stop() closes the source and cancels a pending reconnect', async () => {
    const h = harness();
    h.stream.start();
    await flush();
    FakeEventSource.latest.fail();
    h.stream.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(h.statuses.at(-1)).toBe('offline');
  });
});

describe('streamUrl', () => {
  it('puts the ticket and the resume point in the query, never a token', () => {
    expect(streamUrl('', 'demo client', 'abc+/=', 12)).toBe(
      '/api/events/stream/demo%20client?ticket=abc%2B%2F%3D&last_event_id=12',
    );
    expect(streamUrl('', 'demo', 't', null)).toBe('/api/events/stream/demo?ticket=t');
  });
});
