// One EventSource for the whole page, resumable.
//
// Tickets are single-use, so EventSource's own reconnect (which re-sends the same URL, and with it a
// spent ticket) cannot be relied on: on any `error` we close the source ourselves, back off
// (1 s, 2 s, 5 s, 5 s, ...), fetch a fresh ticket and reopen from the last event id we processed.
// A RESYNC event (our resume point is older than the server keeps) makes us re-list the fleet and
// watch on from the list's `last_event_id`.

import { EVENT_TYPES, type FleetEvent } from '../api/types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The part of the browser's EventSource this module uses (so tests can pass a fake). */
export interface EventSourceLike {
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface TicketLike {
  ticket: string;
  client_id?: string;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FleetStreamOptions {
  clientId: string;
  /** Where to resume: the `last_event_id` of the list the page was built from. */
  fromEventId: number | null;
  /** POST /api/events/tickets. */
  getTicket: () => Promise<TicketLike>;
  /** Called once per frame, in order. The id counts as processed when this returns. */
  onEvent: (id: number | null, event: FleetEvent) => void;
  onStatus: (status: StreamStatus, detail: string | null) => void;
  /** Re-list after a RESYNC; resolves to the new `last_event_id`. */
  onResync: () => Promise<number>;
  /** A failure after which retrying is pointless (e.g. 401: the token was revoked). */
  isFatal?: (error: unknown) => boolean;
  createEventSource?: EventSourceFactory;
  /** Delays between attempts; the last one repeats. */
  backoffMs?: readonly number[];
  /** No frame (not even a HEARTBEAT) for this long means the connection is dead. 0 disables. */
  staleAfterMs?: number;
  isOnline?: () => boolean;
  timers?: Timers;
  baseUrl?: string;
  log?: (message: string, error?: unknown) => void;
}

export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 2000, 5000];
/** The server sends a HEARTBEAT every 30 s by default; miss two and a half of them and we reconnect. */
export const DEFAULT_STALE_AFTER_MS = 75_000;

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function streamUrl(baseUrl: string, clientId: string, ticket: string, lastEventId: number | null): string {
  const params = new URLSearchParams({ ticket });
  if (lastEventId !== null) params.set('last_event_id', String(lastEventId));
  return `${baseUrl}/api/events/stream/${encodeURIComponent(clientId)}?${params.toString()}`;
}

export class FleetStream {
  private readonly opts: FleetStreamOptions;
  private readonly timers: Timers;
  private readonly backoff: readonly number[];
  private source: EventSourceLike | null = null;
  private reconnectTimer: unknown = null;
  private staleTimer: unknown = null;
  /** Bumped on every (re)connect and on stop: callbacks of older generations are ignored. */
  private generation = 0;
  private attempt = 0;
  private stopped = true;
  private needsResync = false;
  private status: StreamStatus | null = null;
  private last: number | null;

  constructor(options: FleetStreamOptions) {
    this.opts = options;
    this.timers = options.timers ?? browserTimers;
    this.backoff = options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF_MS;
    this.last = options.fromEventId;
  }

  /** The id of the last event handed to `onEvent`: where the next connection resumes. */
  get lastEventId(): number | null {
    return this.last;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.setStatus('connecting', null);
    void this.connect();
  }

  stop(status: StreamStatus = 'offline', detail: string | null = null): void {
    this.stopped = true;
    this.generation++;
    this.closeSource();
    this.clearTimer('reconnectTimer');
    this.clearTimer('staleTimer');
    this.setStatus(status, detail);
  }

  /** Skip the remaining back-off (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.clearTimer('reconnectTimer');
    this.closeSource();
    void this.connect();
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.clearTimer('reconnectTimer');
    this.closeSource();
    try {
      if (this.needsResync) {
        this.setStatus(this.status === 'live' ? 'connecting' : (this.status ?? 'connecting'), 'Resyncing the fleet…');
        const from = await this.opts.onResync();
        if (gen !== this.generation) return;
        this.last = from;
        this.needsResync = false;
      }
      const ticket = await this.opts.getTicket();
      if (gen !== this.generation) return;
      const url = streamUrl(this.opts.baseUrl ?? '', ticket.client_id || this.opts.clientId, ticket.ticket, this.last);
      this.open(url, gen);
    } catch (error) {
      if (gen !== this.generation) return;
      if (this.opts.isFatal?.(error)) {
        this.opts.log?.('stream stopped', error);
        this.stop('offline', 'Sign-in is no longer valid.');
        return;
      }
      this.opts.log?.('stream connect failed', error);
      this.scheduleReconnect();
    }
  }

  private open(url: string, gen: number): void {
    const factory: EventSourceFactory = this.opts.createEventSource ?? ((u) => new EventSource(u) as EventSourceLike);
    const source = factory(url);
    this.source = source;
    const current = () => gen === this.generation && this.source === source;
    source.onopen = () => {
      if (!current()) return;
      this.attempt = 0;
      this.setStatus('live', null);
      this.armStaleTimer(gen);
    };
    source.onerror = () => {
      if (!current()) return;
      // Never let EventSource retry with the spent ticket.
      this.closeSource();
      this.scheduleReconnect();
    };
    const listener = (ev: MessageEvent) => {
      if (current()) this.handleFrame(ev, gen);
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, listener);
    source.addEventListener('message', listener);
    this.armStaleTimer(gen);
  }

  private handleFrame(ev: MessageEvent, gen: number): void {
    if (this.status !== 'live') {
      this.attempt = 0;
      this.setStatus('live', null);
    }
    this.armStaleTimer(gen);
    const id = parseEventId(ev.lastEventId);
    let event: FleetEvent;
    try {
      const parsed: unknown = JSON.parse(String(ev.data));
      if (parsed && typeof parsed === 'object' && 'type' in parsed && typeof parsed.type === 'string') {
        event = parsed as FleetEvent;
      } else {
        // A frame whose JSON carries no type: the SSE `event:` field names it.
        event = { type: ev.type, data: parsed } as FleetEvent;
      }
    } catch (error) {
      // A frame we cannot read is skipped rather than retried forever.
      this.opts.log?.(`unreadable ${ev.type} frame ${ev.lastEventId}`, error);
      if (id !== null) this.last = Math.max(id, this.last ?? id);
      return;
    }
    this.opts.onEvent(id, event);
    if (id !== null && (this.last === null || id > this.last)) this.last = id;
    if (event.type === 'RESYNC') {
      // Re-list, then watch from the list's position.
      this.needsResync = true;
      this.closeSource();
      void this.connect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.clearTimer('staleTimer');
    const online = this.opts.isOnline?.() ?? true;
    this.setStatus(online ? 'reconnecting' : 'offline', online ? null : 'The browser is offline.');
    const delay = this.backoff[Math.min(this.attempt, this.backoff.length - 1)];
    this.attempt++;
    const gen = this.generation;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped && gen === this.generation) void this.connect();
    }, delay);
  }

  private armStaleTimer(gen: number): void {
    const after = this.opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (after <= 0) return;
    this.clearTimer('staleTimer');
    this.staleTimer = this.timers.setTimeout(() => {
      this.staleTimer = null;
      if (gen !== this.generation || this.stopped) return;
      this.opts.log?.('stream silent too long; reconnecting');
      this.closeSource();
      this.scheduleReconnect();
    }, after);
  }

  private closeSource(): void {
    const s = this.source;
    this.source = null;
    if (s) {
      s.onopen = null;
      s.onerror = null;
      s.close();
    }
    this.clearTimer('staleTimer');
  }

  private clearTimer(which: 'reconnectTimer' | 'staleTimer'): void {
    if (this[which] !== null) {
      this.timers.clearTimeout(this[which]);
      this[which] = null;
    }
  }

  private setStatus(status: StreamStatus, detail: string | null): void {
    this.status = status;
    this.opts.onStatus(status, detail);
  }
}

export function parseEventId(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}
