// @vitest-environment jsdom
// The optimizer's moves on the page against a fake API (the backend's promote and commands endpoints
// are built elsewhere in parallel): role badges, Promote with the old primary's fate, Switch type… as a
// MANUAL_SWITCH command with a fresh request id, a problem answer shown with its action, the failover
// followed live, and a queued launch marked in the table and explained in the detail.

import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';

configure({ asyncUtilTimeout: 15_000 });

class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  private listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {}
  emit(type: string, id: number, data: unknown) {
    const ev = new MessageEvent(type, { data: JSON.stringify({ type, data, timestamp: new Date().toISOString() }), lastEventId: String(id) });
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
}

function json(body: unknown, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const base = { agent_id: 'demo-agent', instance_type: 't3.micro', launch_requested_at: '2025-01-01T10:00:00Z' };
const primary = { ...base, instance_id: 'inst-p', ec2_instance_id: 'i-0p', request_id: 'req-p', role: 'primary', status: 'running_primary', version: 2 };
const replica = { ...base, instance_id: 'inst-r', ec2_instance_id: 'i-0r', request_id: 'req-r', role: 'replica', status: 'running_replica', version: 2 };
const queued = {
  ...base,
  instance_id: 'inst-q',
  ec2_instance_id: null,
  request_id: 'req-q',
  role: 'primary',
  status: 'launching',
  version: 1,
  launch_queued_reason: 'waiting for EC2 rate-limit budget',
  launch_call_at: '2025-01-01T10:00:30Z',
};
const launched = {
  ...base,
  instance_id: 'inst-l',
  ec2_instance_id: 'i-0l',
  request_id: 'req-l',
  role: 'primary',
  status: 'running_primary',
  version: 2,
  launched_with: { instance_type: 'm5.large', subnet_id: 'subnet-b' },
  skipped_alternatives: [{ instance_type: 't3.micro', subnet_id: 'subnet-a', reason: 'InsufficientInstanceCapacity' }],
};

let posts: { url: string; body: Record<string, unknown> }[];
let refusePromote: boolean;

beforeEach(() => {
  FakeEventSource.all = [];
  posts = [];
  refusePromote = false;
  sessionStorage.setItem('spot-optimizer.client-token', 'demo-client-token');
  window.history.replaceState(null, '', '/');
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (url === '/api/client/me') return json({ client_id: 'demo', name: 'Demo client' });
      if (url === '/api/client/agents') return json({ agents: [{ agent_id: 'demo-agent', status: 'online' }] });
      if (url === '/api/client/instances') return json({ instances: [primary, replica, queued, launched], last_event_id: 10 });
      if (url === '/api/events/tickets') return json({ ticket: 'tk', expires_at: '2025-01-01T10:01:00Z', client_id: 'demo' });
      if (/\/events$/.test(url)) return json([]);
      if (method === 'POST') {
        const body = JSON.parse(String(init?.body ?? '{}'));
        posts.push({ url, body });
        if (url === '/api/client/instances/inst-r/promote') {
          if (refusePromote)
            return json({ type: 'https://spot-optimizer.dev/problems/transition-not-allowed', title: 'Conflict', status: 409, detail: 'inst-r is not a running replica' }, 409, 'application/problem+json');
          return json({ instance_id: 'inst-r', status: 'promoting', role: 'replica' }, 202);
        }
        if (url === '/api/client/commands') return json({ command_id: 'cmd-1', request_id: body.request_id, status: 'queued' }, 202);
      }
      return json({ title: 'Not Found', status: 404 }, 404, 'application/problem+json');
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const row = (id: string) => document.querySelector<HTMLTableRowElement>(`tr[data-instance-id="${id}"]`)!;

async function openDetail(id: string) {
  render(<App />);
  await screen.findByRole('table', { name: 'Instances' });
  await act(async () => {});
  const es = FakeEventSource.all[0];
  act(() => es.onopen?.(new Event('open')));
  fireEvent.click(row(id));
  const detail = await screen.findByRole('complementary');
  return { es, detail };
}

describe('moves on the fleet page', () => {
  it('promotes a replica (the old primary terminated), shows promoting at once, and follows the failover live', async () => {
    const { es, detail } = await openDetail('inst-r');
    expect(row('inst-r').querySelector('[data-role="replica"]')).not.toBeNull();
    expect(within(detail).queryByRole('button', { name: 'Switch type…' })).toBeNull();

    fireEvent.click(within(detail).getByRole('button', { name: 'Promote…' }));
    const form = within(detail).getByRole('form', { name: /Promote i-0r/ });
    expect(document.activeElement).toBe(within(form).getByRole('radio', { name: /replica/ }));
    fireEvent.click(within(form).getByRole('radio', { name: /terminated/ }));
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Confirm promote' }));
    });

    expect(posts).toHaveLength(1);
    expect(posts[0].url).toBe('/api/client/instances/inst-r/promote');
    expect(posts[0].body.demote_primary_to).toBe('terminated');
    expect(String(posts[0].body.request_id)).toMatch(/^promote-/);
    expect(row('inst-r').getAttribute('data-status')).toBe('promoting');
    expect(row('inst-r').querySelector('.badge .spinner')).not.toBeNull();
    expect(document.querySelector('.count[data-group="in_progress"]')!.textContent).toBe('2 in progress');
    expect(within(detail).getByRole('status').textContent).toContain('Promote accepted');

    act(() => es.emit('INSTANCE_PROMOTED', 11, { ...replica, status: 'running_primary', role: 'primary', version: 4 }));
    act(() => es.emit('INSTANCE_TERMINATING', 12, { ...primary, status: 'terminating', version: 3 }));
    expect(row('inst-r').getAttribute('data-status')).toBe('running_primary');
    expect(row('inst-r').querySelector('[data-role="primary"]')).not.toBeNull();
    expect(row('inst-p').getAttribute('data-status')).toBe('terminating');
    // The new primary can now be switched.
    expect(within(detail).getByRole('button', { name: 'Switch type…' })).toBeTruthy();
  });

  it('shows a refused promote beside the action, with the problem', async () => {
    refusePromote = true;
    const { detail } = await openDetail('inst-r');
    fireEvent.click(within(detail).getByRole('button', { name: 'Promote…' }));
    await act(async () => {
      fireEvent.click(within(detail).getByRole('button', { name: 'Confirm promote' }));
    });
    const alert = within(detail).getByRole('alert');
    expect(alert.textContent).toContain('Promote refused');
    expect(alert.textContent).toContain('inst-r is not a running replica');
    expect(row('inst-r').getAttribute('data-status')).toBe('running_replica');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(within(detail).queryByRole('alert')).toBeNull();
  });

  it('sends a MANUAL_SWITCH command from the Switch type… dialog, checking the type first', async () => {
    const { detail } = await openDetail('inst-p');
    expect(within(detail).queryByRole('button', { name: 'Promote…' })).toBeNull();
    fireEvent.click(within(detail).getByRole('button', { name: 'Switch type…' }));
    const dialog = within(detail).getByRole('dialog', { name: /Switch i-0p/ });
    const type = within(dialog).getByLabelText('Target instance type');
    expect(document.activeElement).toBe(type);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Send switch' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('instance type');
    expect(posts).toHaveLength(0);

    fireEvent.change(type, { target: { value: 'm5.large' } });
    fireEvent.change(within(dialog).getByLabelText('Subnet (optional)'), { target: { value: 'subnet-b' } });
    fireEvent.change(within(dialog).getByLabelText('Market'), { target: { value: 'on-demand' } });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Send switch' }));
    });
    expect(posts).toHaveLength(1);
    expect(posts[0].url).toBe('/api/client/commands');
    expect(posts[0].body).toMatchObject({
      agent_id: 'demo-agent',
      command_type: 'MANUAL_SWITCH',
      metadata: { instance_id: 'inst-p', target: { instance_type: 'm5.large', subnet_id: 'subnet-b', market: 'on-demand' } },
    });
    expect(String(posts[0].body.request_id)).toMatch(/^switch-/);
    expect(within(detail).getByRole('status').textContent).toContain('Switch to m5.large accepted');
    expect(row('inst-p').textContent).toContain('switching');

    // Escape closes a dialog without closing the panel.
    fireEvent.click(within(detail).getByRole('button', { name: 'Switch type…' }));
    fireEvent.keyDown(within(detail).getByRole('dialog'), { key: 'Escape' });
    expect(within(detail).queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('complementary')).toBeTruthy();
  });

  it('marks a launch queued for its agent in the table and explains it in the detail', async () => {
    const { detail } = await openDetail('inst-q');
    const mark = row('inst-q').querySelector('[data-testid="row-queued"]')!;
    expect(mark.getAttribute('title')).toBe('Queued for agent: waiting for EC2 rate-limit budget');
    expect(within(detail).getByTestId('queued-reason').textContent).toBe('waiting for EC2 rate-limit budget');
    expect(within(detail).getByText('EC2 call')).toBeTruthy();
  });

  it('shows which alternative ran and which were skipped', async () => {
    const { detail } = await openDetail('inst-l');
    expect(within(detail).getByText('m5.large in subnet-b')).toBeTruthy();
    expect(within(detail).getByText(/t3.micro in subnet-a — InsufficientInstanceCapacity/)).toBeTruthy();
  });
});
