// @vitest-environment jsdom
// The page wired end to end against a fake API and a fake EventSource: list + watch, optimistic
// launch reconciled by the 202 and the events, terminate rolled back by a problem answer.

import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';

// A busy machine renders the whole app slowly; waiting longer costs nothing when it is fast.
configure({ asyncUtilTimeout: 15_000 });

class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, id: number, data: unknown) {
    const ev = new MessageEvent(type, {
      data: JSON.stringify({ type, data, timestamp: new Date().toISOString() }),
      lastEventId: String(id),
    });
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
}

function json(body: unknown, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const running = {
  instance_id: 'inst-1',
  ec2_instance_id: 'i-0aaa',
  request_id: 'req-1',
  agent_id: 'demo-agent',
  instance_type: 'm5.large',
  role: 'primary',
  status: 'running_primary',
  launch_requested_at: '2025-01-01T10:00:00Z',
  launch_confirmed_at: '2025-01-01T10:00:12Z',
  launch_duration_seconds: 12.3,
  version: 2,
};

let launchBodies: { request_id: string; agent_id: string; instance_type: string; role: string }[];
let resolveLaunch: ((r: Response) => void) | null;
let ticketCount = 0;

beforeEach(() => {
  FakeEventSource.all = [];
  launchBodies = [];
  resolveLaunch = null;
  ticketCount = 0;
  sessionStorage.setItem('spot-optimizer.client-token', 'demo-client-token');
  // These tests drive the cards view; FleetTable.test.tsx drives the table (the default).
  window.history.replaceState(null, '', '/?view=cards');
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer demo-client-token');
      const method = init?.method ?? 'GET';
      if (url === '/api/client/me') return json({ client_id: 'demo', name: 'Demo client' });
      if (url === '/api/client/agents')
        return json({ agents: [{ agent_id: 'demo-agent', name: 'demo-agent', transport: 'temporal', status: 'online' }] });
      if (url === '/api/client/instances') return json({ instances: [running], last_event_id: 10 });
      if (url === '/api/events/tickets' && method === 'POST')
        return json({ ticket: `tk${++ticketCount}`, expires_at: '2025-01-01T10:01:00Z', client_id: 'demo' });
      if (url === '/api/client/instances/launch' && method === 'POST') {
        launchBodies.push(JSON.parse(String(init?.body)));
        return new Promise<Response>((resolve) => (resolveLaunch = resolve));
      }
      if (url.startsWith('/api/client/instances/inst-1/terminate') && method === 'POST')
        return json(
          { type: 'about:blank', title: 'Conflict', status: 409, detail: 'transition not allowed' },
          409,
          'application/problem+json',
        );
      return json({ title: 'Not Found', status: 404 }, 404, 'application/problem+json');
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const cards = () => within(screen.getByRole('list', { name: 'Instances' })).getAllByRole('article');

describe('fleet page', () => {
  it('lists, watches one stream, launches optimistically and rolls back a refused terminate', async () => {
    render(<App />);
    expect(await screen.findByText('launched in 12.3 s', {}, { timeout: 15_000 })).toBeTruthy();

    // One stream for the page, authorised by a ticket, resuming from the list position.
    await act(async () => {});
    expect(FakeEventSource.all).toHaveLength(1);
    const es = FakeEventSource.all[0];
    expect(es.url).toBe('/api/events/stream/demo?ticket=tk1&last_event_id=10');
    act(() => es.onopen?.(new Event('open')));
    expect(screen.getByText('Live')).toBeTruthy();

    // Launch: the card shows at once, before the answer.
    fireEvent.change(screen.getByLabelText('Instance type'), { target: { value: 't3.small' } });
    fireEvent.click(screen.getByLabelText('Replica'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Launch instance' }));
    });
    expect(cards()).toHaveLength(2);
    expect(screen.getByText('Launching…')).toBeTruthy();
    expect(launchBodies).toHaveLength(1);
    const { request_id } = launchBodies[0];
    expect(request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(launchBodies[0]).toMatchObject({ agent_id: 'demo-agent', instance_type: 't3.small', role: 'replica' });

    await act(async () => {
      resolveLaunch!(
        json(
          {
            instance_id: 'inst-2',
            request_id,
            status: 'launching',
            agent_id: 'demo-agent',
            instance_type: 't3.small',
            role: 'replica',
            launch_requested_at: new Date().toISOString(),
          },
          202,
        ),
      );
    });
    expect(cards()).toHaveLength(2);

    const eventData = { instance_id: 'inst-2', agent_id: 'demo-agent', instance_type: 't3.small', role: 'replica', request_id };
    act(() => es.emit('INSTANCE_LAUNCHING', 11, { ...eventData, ec2_instance_id: null, status: 'launching', version: 1 }));
    act(() =>
      es.emit('INSTANCE_RUNNING', 12, {
        ...eventData,
        ec2_instance_id: 'i-0bbb',
        status: 'running_replica',
        launch_duration_seconds: 5,
        version: 2,
      }),
    );
    expect(cards()).toHaveLength(2);
    const launched = cards().find((c) => c.getAttribute('data-instance-id') === 'inst-2')!;
    expect(within(launched).getByText('launched in 5.0 s')).toBeTruthy();
    expect(within(launched).getAllByText('i-0bbb').length).toBeGreaterThan(0);
    expect(launched.getAttribute('data-status')).toBe('running_replica');

    // Terminate inst-1: optimistic spinner, then the 409 problem rolls it back, shown inline.
    const first = cards().find((c) => c.getAttribute('data-instance-id') === 'inst-1')!;
    fireEvent.click(within(first).getByRole('button', { name: /^Terminate i-0aaa/ }));
    await act(async () => {
      fireEvent.click(within(first).getByRole('button', { name: /^Confirm terminate/ }));
    });
    const after = cards().find((c) => c.getAttribute('data-instance-id') === 'inst-1')!;
    expect(after.getAttribute('data-status')).toBe('running_primary');
    expect(within(after).getByRole('alert').textContent).toContain('Conflict — transition not allowed');
  });

  it('reconnects with a fresh ticket from the last processed event after an error', async () => {
    render(<App />);
    await screen.findByText('launched in 12.3 s', {}, { timeout: 15_000 });
    await act(async () => {});
    const es = FakeEventSource.all[0];
    act(() => es.onopen?.(new Event('open')));
    act(() => es.emit('HEARTBEAT', 13, {}));
    vi.useFakeTimers();
    try {
      act(() => es.onerror?.(new Event('error')));
      expect(es.closed).toBe(true);
      expect(screen.getAllByText('Reconnecting…').length).toBeGreaterThan(0);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
    } finally {
      vi.useRealTimers();
    }
    await act(async () => {});
    expect(FakeEventSource.all).toHaveLength(2);
    expect(FakeEventSource.all[1].url).toBe('/api/events/stream/demo?ticket=tk2&last_event_id=13');
  });

  it('asks for the token, and shows an error when it is refused', async () => {
    sessionStorage.clear();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ title: 'Unauthorized', status: 401 }, 401, 'application/problem+json')),
    );
    render(<App />);
    fireEvent.change(screen.getByLabelText('Client token'), { target: { value: 'wrong' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    });
    expect(screen.getByRole('alert').textContent).toMatch(/not accepted/);
    expect(sessionStorage.getItem('spot-optimizer.client-token')).toBeNull();
  });
});
