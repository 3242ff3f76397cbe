// @vitest-environment jsdom
// The table view wired end to end against a fake API and a fake EventSource: live counts, filters
// and search in the URL (back/forward), 5,000 rows virtualized, keyboard, the instance detail's
// timeline updating live, and bulk terminate with a failure per instance.

import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { readyPrefetchedInstances } from './api/prefetch';

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
  emit(type: string, id: number, data: unknown, timestamp = new Date().toISOString()) {
    const ev = new MessageEvent(type, { data: JSON.stringify({ type, data, timestamp }), lastEventId: String(id) });
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
}

function json(body: unknown, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const base = { agent_id: 'demo-agent', instance_type: 't3.micro', role: 'primary', launch_requested_at: '2025-01-01T10:00:00Z' };
const fleet = [
  { ...base, instance_id: 'inst-1', ec2_instance_id: 'i-0aaa', request_id: 'req-1', status: 'running_primary', launch_duration_seconds: 12.3, version: 2 },
  { ...base, instance_id: 'inst-2', ec2_instance_id: null, request_id: 'req-2', status: 'launch_timed_out', failure_reason: 'no launch confirmation within PT5M', version: 2 },
  { ...base, instance_id: 'inst-3', ec2_instance_id: 'i-0ccc', request_id: 'req-3', status: 'running_replica', role: 'replica', instance_type: 'm5.large', version: 2 },
  { ...base, instance_id: 'inst-4', ec2_instance_id: 'i-0ddd', request_id: 'req-4', status: 'terminated', version: 4 },
];

let instances: unknown[];
let terminateBodies: { url: string; body: { request_id?: string } }[];

beforeEach(() => {
  FakeEventSource.all = [];
  instances = fleet;
  terminateBodies = [];
  sessionStorage.setItem('spot-optimizer.client-token', 'demo-client-token');
  window.history.replaceState(null, '', '/');
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (url === '/api/client/me') return json({ client_id: 'demo', name: 'Demo client' });
      if (url === '/api/client/agents') return json({ agents: [{ agent_id: 'demo-agent', status: 'online' }] });
      if (url === '/api/client/instances') return json({ instances, last_event_id: 10 });
      if (url === '/api/events/tickets') return json({ ticket: 'tk', expires_at: '2025-01-01T10:01:00Z', client_id: 'demo' });
      if (url === '/api/client/instances/inst-2/events')
        return json([
          { event_id: 3, type: 'INSTANCE_LAUNCHING', timestamp: '2025-01-01T10:00:00Z', status: 'launching', reason: null, data: {} },
          { event_id: 7, type: 'INSTANCE_LAUNCH_TIMED_OUT', timestamp: '2025-01-01T10:05:00Z', status: 'launch_timed_out', reason: 'no launch confirmation within PT5M', data: {} },
        ]);
      const m = /^\/api\/client\/instances\/([^/]+)\/terminate$/.exec(url);
      if (m && method === 'POST') {
        terminateBodies.push({ url, body: JSON.parse(String(init?.body ?? '{}')) });
        if (m[1] === 'inst-3')
          return json({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'transition not allowed' }, 409, 'application/problem+json');
        return json({ instance_id: m[1], status: 'terminating', termination_requested_at: new Date().toISOString() }, 202);
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

const table = () => screen.getByRole('table', { name: 'Instances' });
const rowIds = () =>
  within(table())
    .getAllByRole('row')
    .map((r) => r.getAttribute('data-instance-id'))
    .filter(Boolean);
const countButton = (group: string) => document.querySelector<HTMLButtonElement>(`.count[data-group="${group}"]`)!;

async function renderPage() {
  render(<App />);
  await screen.findByRole('table', { name: 'Instances' }, { timeout: 15_000 });
  await act(async () => {});
  const es = FakeEventSource.all[0];
  act(() => es.onopen?.(new Event('open')));
  return es;
}

describe('table view', () => {
  it('is the default, counts per status live, and filters by status, type and search in the URL', async () => {
    const es = await renderPage();
    expect(rowIds().sort()).toEqual(['inst-1', 'inst-2', 'inst-3', 'inst-4']);
    expect(countButton('running').textContent).toBe('2 running');
    expect(countButton('failed').textContent).toBe('1 failed');

    // A running instance starts terminating: the counts follow the stream.
    act(() => es.emit('INSTANCE_TERMINATING', 11, { ...fleet[0], status: 'terminating', version: 3 }));
    expect(countButton('running').textContent).toBe('1 running');
    expect(countButton('in_progress').textContent).toBe('1 in progress');
    const spinning = table().querySelector('tr[data-instance-id="inst-1"]')!;
    expect(spinning.getAttribute('data-status')).toBe('terminating');
    expect(spinning.querySelector('.badge .spinner')).not.toBeNull();

    fireEvent.click(countButton('failed'));
    expect(rowIds()).toEqual(['inst-2']);
    expect(window.location.search).toBe('?status=failed');
    expect(countButton('failed').getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(countButton('failed'));
    fireEvent.change(screen.getByLabelText('Type filter'), { target: { value: 'm5.large' } });
    expect(rowIds()).toEqual(['inst-3']);
    expect(window.location.search).toBe('?type=m5.large');

    // Back: the previous filter comes back.
    // (jsdom's history.back() lands asynchronously, even in the next test: step back by hand.)
    act(() => {
      window.history.replaceState(null, '', '/');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(window.location.search).toBe('');
    expect(rowIds()).toHaveLength(4);

    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'I-0DDD' } });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(rowIds()).toEqual(['inst-4']);
    expect(window.location.search).toBe('?q=I-0DDD');
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'req-3' } });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(rowIds()).toEqual(['inst-3']);
  });

  it('sorts by a column header, and reads its filters back from the URL on load', async () => {
    window.history.replaceState(null, '', '/?role=replica&sort=type&dir=desc');
    await renderPage();
    expect(rowIds()).toEqual(['inst-3']);
    expect((screen.getByLabelText('Role filter') as HTMLSelectElement).value).toBe('replica');
    fireEvent.change(screen.getByLabelText('Role filter'), { target: { value: '' } });
    const typeHeader = screen.getByRole('columnheader', { name: /Type/ });
    expect(typeHeader.getAttribute('aria-sort')).toBe('descending');
    expect(rowIds()[0]).toBe('inst-1'); // t3.micro > m5.large, descending; then by key
    fireEvent.click(within(typeHeader).getByRole('button'));
    expect(typeHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(rowIds()[0]).toBe('inst-3');
  });

  it('renders only the rows in view for 5,000 instances, and moves through them by keyboard', async () => {
    instances = Array.from({ length: 5000 }, (_, i) => ({
      ...base,
      instance_id: `inst-${String(i).padStart(4, '0')}`,
      ec2_instance_id: `i-${String(i).padStart(17, '0')}`,
      request_id: `req-${i}`,
      status: 'running_primary',
      launch_requested_at: new Date(Date.parse('2025-01-01T10:00:00Z') - i * 1000).toISOString(),
      version: 1,
    }));
    await renderPage();
    expect(table().getAttribute('aria-rowcount')).toBe('5001');
    const rendered = within(table()).getAllByRole('row').filter((r) => r.hasAttribute('data-instance-id'));
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(40);

    const first = rendered[0];
    expect(first.getAttribute('tabindex')).toBe('0');
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-instance-id')).toBe('inst-0001');
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement?.getAttribute('data-instance-id')).toBe('inst-4999');
    fireEvent.keyDown(document.activeElement!, { key: ' ' });
    // The bulk bar is a lazy chunk: it shows once loaded, and loading it does not move the focus.
    expect((await screen.findByRole('region', { name: 'Bulk actions' })).textContent).toContain('1 selected');
    expect(document.activeElement?.getAttribute('data-instance-id')).toBe('inst-4999');
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(window.location.search).toBe('?open=inst-4999');
  });
});

describe('loading', () => {
  /** Holds the answers to `paths` until released; records whether "Loading the fleet…" was ever shown. */
  function holdAndWatch(paths: string[]) {
    const real = globalThis.fetch as (url: string, init?: RequestInit) => Promise<Response>;
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (paths.includes(url)) await released;
      return real(url, init);
    });
    const seen = { loading: false };
    const observer = new MutationObserver(() => {
      if (document.body.textContent?.includes('Loading the fleet…')) seen.loading = true;
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    return { release, seen, stop: () => observer.disconnect() };
  }

  it('shows the whole table in the page\'s first render when the list is ready before the sign-in check', async () => {
    const held = holdAndWatch(['/api/client/me']);
    render(<App />);
    await vi.waitFor(() => expect(readyPrefetchedInstances('demo-client-token')).not.toBeNull());
    await act(async () => held.release());
    await screen.findByRole('table', { name: 'Instances' });
    held.stop();
    expect(held.seen.loading).toBe(false);
    expect(rowIds()).toHaveLength(4);
    await act(async () => {});
    // The stream watches on from the list's event id, and its frames apply at once.
    const es = FakeEventSource.all[0];
    expect(es.url).toContain('last_event_id=10');
    act(() => es.onopen?.(new Event('open')));
    act(() => es.emit('INSTANCE_TERMINATING', 11, { ...fleet[0], status: 'terminating', version: 3 }));
    expect(countButton('in_progress').textContent).toBe('1 in progress');
  });

  it('shows "Loading the fleet…" and then the table when the sign-in check answers first', async () => {
    const held = holdAndWatch(['/api/client/instances']);
    render(<App />);
    await screen.findByText('Loading the fleet…');
    await act(async () => held.release());
    await screen.findByRole('table', { name: 'Instances' });
    held.stop();
    expect(held.seen.loading).toBe(true);
    expect(rowIds()).toHaveLength(4);
    await act(async () => {});
    const es = FakeEventSource.all[0];
    expect(es.url).toContain('last_event_id=10');
    act(() => es.onopen?.(new Event('open')));
    act(() => es.emit('INSTANCE_TERMINATING', 11, { ...fleet[0], status: 'terminating', version: 3 }));
    expect(countButton('in_progress').textContent).toBe('1 in progress');
  });
});

describe('instance detail', () => {
  it('opens from the row, explains a timed-out launch, and adds live events to its timeline', async () => {
    const es = await renderPage();
    fireEvent.click(within(table().querySelector<HTMLElement>('tr[data-instance-id="inst-2"]')!).getByText('inst-2…'));
    expect(window.location.search).toBe('?open=inst-2');
    const panel = await screen.findByRole('complementary', { name: 'inst-2' });
    await within(panel).findByRole('list', { name: 'History of inst-2' });
    expect(within(panel).getByTestId('explanation').textContent).toMatch(
      /^The launch timed out: agent demo-agent did not confirm it within 5 min 00 s/,
    );
    const timeline = within(panel).getByRole('list', { name: 'History of inst-2' });
    expect(within(timeline).getAllByRole('listitem').map((li) => li.getAttribute('data-type'))).toEqual([
      'INSTANCE_LAUNCHING',
      'INSTANCE_LAUNCH_TIMED_OUT',
    ]);
    expect(within(timeline).getAllByText('Timeout')).toHaveLength(1);

    // Live: a late confirmation shows up while the panel is open; a duplicate does not.
    act(() =>
      es.emit('INSTANCE_RUNNING', 12, { ...fleet[1], ec2_instance_id: 'i-0bbb', status: 'running_primary', launch_duration_seconds: 301, version: 3 }),
    );
    act(() => es.emit('INSTANCE_RUNNING', 12, { ...fleet[1], status: 'running_primary', version: 3 }));
    expect(within(timeline).getAllByRole('listitem').map((li) => li.getAttribute('data-event-id'))).toEqual(['3', '7', '12']);
    expect(within(panel).getByText(/took 5 min 01 s/)).toBeTruthy();

    fireEvent.click(within(panel).getByRole('button', { name: 'Close instance details' }));
    expect(window.location.search).toBe('');
    expect(screen.queryByRole('complementary', { name: 'inst-2' })).toBeNull();
  });

  it('opens from a link in the URL on load', async () => {
    window.history.replaceState(null, '', '/?open=inst-2');
    await renderPage();
    expect(await screen.findByRole('complementary', { name: 'inst-2' })).toBeTruthy();
  });
});

describe('bulk terminate', () => {
  it('offers to select every instance shown, and shows a partial selection as mixed', async () => {
    await renderPage();
    const all = () => table().querySelector<HTMLInputElement>('thead input[type="checkbox"]')!;
    expect(all().disabled).toBe(false);
    expect(all().checked).toBe(false);
    expect(all().indeterminate).toBe(false);
    expect(all().getAttribute('aria-label')).toBe('Select every instance shown');
    fireEvent.click(screen.getByLabelText('Select i-0aaa'));
    expect(all().checked).toBe(false);
    expect(all().indeterminate).toBe(true);
    fireEvent.click(all());
    expect(all().checked).toBe(true);
    expect(all().indeterminate).toBe(false);
    expect(all().getAttribute('aria-label')).toBe('Clear the selection');
    fireEvent.click(all());
    expect(all().checked).toBe(false);
    expect(all().indeterminate).toBe(false);
  });

  it('terminates the selection with one confirmation, one request id each, and lists each refusal', async () => {
    await renderPage();
    fireEvent.click(screen.getByLabelText('Select i-0aaa'));
    fireEvent.click(screen.getByLabelText('Select i-0ccc'));
    fireEvent.click(screen.getByLabelText('Select i-0ddd')); // terminated: selected, but not terminable
    const bulk = screen.getByRole('region', { name: 'Bulk actions' });
    expect(bulk.textContent).toContain('3 selected (2 can be terminated)');
    fireEvent.click(within(bulk).getByRole('button', { name: 'Terminate selected' }));
    await act(async () => {
      fireEvent.click(within(bulk).getByRole('button', { name: 'Confirm terminate 2' }));
    });
    await act(async () => {});
    expect(terminateBodies.map((t) => t.url).sort()).toEqual([
      '/api/client/instances/inst-1/terminate',
      '/api/client/instances/inst-3/terminate',
    ]);
    const ids = terminateBodies.map((t) => t.body.request_id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^bulk-[0-9a-f-]{36}$/);

    const result = within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('status');
    expect(result.textContent).toContain('1 termination accepted, 1 refused');
    expect(within(result).getByRole('listitem').textContent).toBe('i-0ccc — Conflict — transition not allowed');
    expect(table().querySelector('tr[data-instance-id="inst-1"]')!.getAttribute('data-status')).toBe('terminating');
    expect(table().querySelector('tr[data-instance-id="inst-3"]')!.getAttribute('data-status')).toBe('running_replica');
    expect(table().querySelector('tr[data-instance-id="inst-3"] .row__error')).not.toBeNull();
  });
});
