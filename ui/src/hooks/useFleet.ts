import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { ApiClient, ApiError, describeProblem } from '../api/client';
import type { Session } from '../api/session';
import { newRequestId } from '../api/requestId';
import type { DemoteTo, FleetEvent, InstanceList, LaunchRequest, SwitchTarget } from '../api/types';
import { readyPrefetchedInstances, takePrefetchedInstances } from '../api/prefetch';
import { fleetReducer, initialStateFor, type FleetState } from '../state/fleetReducer';
import { buildListedCardsInSlices, type PreparedList } from '../state/listBuild';
import { FleetStream } from '../stream/fleetStream';

export interface LaunchOutcome {
  ok: boolean;
  /** The request may be sent again with the same request_id (no answer, or a server error). */
  retryable: boolean;
}

/** One instance's outcome of a bulk terminate. */
export interface TerminateResult {
  instanceId: string;
  requestId: string;
  ok: boolean;
  message: string | null;
}

export type EventListener = (id: number | null, event: FleetEvent) => void;

/** The answer to a promote or switch: refused ones carry the problem as one line. */
export interface MoveOutcome {
  ok: boolean;
  requestId: string;
  message: string | null;
}

export interface Fleet {
  state: FleetState;
  api: ApiClient;
  /** Every stream frame, after the reducer has seen it (the detail panel's live timeline). */
  subscribe: (listener: EventListener) => () => void;
  terminateMany: (instanceIds: string[]) => Promise<TerminateResult[]>;
  loadError: string | null;
  retryLoad: () => void;
  launch: (request: LaunchRequest) => Promise<LaunchOutcome>;
  terminate: (instanceId: string) => Promise<void>;
  promote: (instanceId: string, demoteTo: DemoteTo) => Promise<MoveOutcome>;
  switchType: (instanceId: string, agentId: string, target: SwitchTarget) => Promise<MoveOutcome>;
  dismissMove: (instanceId: string) => void;
  reconnectNow: () => void;
  dismissBanner: (id: string) => void;
  dismissCardError: (key: string) => void;
  dismissLaunchError: () => void;
}

/**
 * Stream frames arriving within this many ms are applied in one render: at 50 events/s the page
 * renders ten times a second instead of fifty. Zero under Vitest, whose tests check each frame's
 * effect at once.
 */
const EVENT_BATCH_MS = import.meta.env.MODE === 'test' ? 0 : 100;

const isAuthError = (e: unknown) => e instanceof ApiError && (e.status === 401 || e.status === 403);

/** List + watch for one signed-in client: the page's only data source. */
export function useFleet(session: Session, onUnauthorized: () => void): Fleet {
  // A list prefetched and prepared before this page mounted is in its first render: the table shows
  // at once, without a "Loading the fleet…" render, its paint and the effect that would take it.
  const [initialList] = useState(() => readyPrefetchedInstances(session.token));
  const [state, dispatch] = useReducer(fleetReducer, initialList, initialStateFor);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadAttempt, setLoadAttempt] = useState(0);
  const streamRef = useRef<FleetStream | null>(null);
  const unauthorizedRef = useRef(onUnauthorized);
  unauthorizedRef.current = onUnauthorized;

  const api = useMemo(() => new ApiClient({ token: session.token }), [session.token]);
  const listenersRef = useRef(new Set<EventListener>());
  const subscribe = useCallback((listener: EventListener) => {
    listenersRef.current.add(listener);
    return () => {
      listenersRef.current.delete(listener);
    };
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    let stream: FleetStream | null = null;
    let cancelled = false;
    let queued: { id: number | null; event: FleetEvent }[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    // The stream opens while the list's cards are still being built; its frames wait until the list
    // is applied, so list + watch keeps its no-gap, no-duplicate order.
    let listApplied = false;
    // Bumped by every list taken (the first, a re-list after RESYNC): a list built in slices is applied
    // only if no newer one was taken meanwhile.
    let listTaken = 0;
    const flush = () => {
      flushTimer = null;
      if (!listApplied) return;
      const events = queued;
      queued = [];
      if (!cancelled && events.length) dispatch({ type: 'EVENTS_RECEIVED', events });
    };
    dispatch({ type: 'CONNECTION_CHANGED', status: 'connecting' });

    const loadAgents = () =>
      api
        .agents(abort.signal)
        .then((body) => !cancelled && dispatch({ type: 'AGENTS_LOADED', agents: body.agents ?? [] }))
        .catch((e) => {
          if (isAuthError(e)) unauthorizedRef.current();
        });

    (async () => {
      try {
        void loadAgents();
        const prefetched = loadAttempt === 0 ? takePrefetchedInstances(session.token) : null;
        // Already in the state since the first render (taken above all the same, so it is not kept).
        const applied = loadAttempt === 0 ? initialList : null;
        const prepared: PreparedList | { list: InstanceList; listed: null } =
          applied ?? (prefetched ? await prefetched : { list: await api.instances(abort.signal), listed: null });
        const { list } = prepared;
        if (cancelled) return;
        setLoadError(null);
        listApplied = applied !== null;
        stream = new FleetStream({
          clientId: session.clientId,
          fromEventId: list.last_event_id,
          getTicket: () => api.ticket(),
          onEvent: (id, event) => {
            if (EVENT_BATCH_MS === 0 && listApplied) dispatch({ type: 'EVENT_RECEIVED', id, event });
            else {
              queued.push({ id, event });
              if (listApplied) flushTimer ??= setTimeout(flush, EVENT_BATCH_MS);
            }
            for (const listener of listenersRef.current) listener(id, event);
          },
          onStatus: (status, detail) => dispatch({ type: 'CONNECTION_CHANGED', status, detail }),
          onResync: async () => {
            flush();
            const fresh = await api.instances();
            const taken = ++listTaken;
            const instances = fresh.instances ?? [];
            const listed = await buildListedCardsInSlices(instances, { signal: abort.signal });
            if (!cancelled && taken === listTaken) {
              dispatch({ type: 'RESYNCED', instances, lastEventId: fresh.last_event_id, listed });
              listApplied = true;
              flush();
              void loadAgents();
            }
            return fresh.last_event_id;
          },
          isFatal: (e) => {
            if (isAuthError(e)) unauthorizedRef.current();
            return isAuthError(e);
          },
          isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
          log: (message, error) => console.warn(`[fleet stream] ${message}`, error ?? ''),
        });
        streamRef.current = stream;
        stream.start();
        const taken = ++listTaken;
        if (applied) return;
        const instances = list.instances ?? [];
        const listed = prepared.listed ?? (await buildListedCardsInSlices(instances, { signal: abort.signal }));
        if (cancelled || taken !== listTaken) return;
        dispatch({ type: 'LIST_LOADED', instances, lastEventId: list.last_event_id, listed });
        listApplied = true;
        flush();
      } catch (e) {
        if (cancelled || (e instanceof DOMException && e.name === 'AbortError')) return;
        if (isAuthError(e)) {
          unauthorizedRef.current();
          return;
        }
        setLoadError(e instanceof ApiError ? describeProblem(e.problem) : 'The fleet could not be loaded.');
        dispatch({ type: 'CONNECTION_CHANGED', status: 'offline', detail: 'The fleet could not be loaded.' });
      }
    })();

    const online = () => stream?.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      cancelled = true;
      if (flushTimer) clearTimeout(flushTimer);
      abort.abort();
      window.removeEventListener('online', online);
      stream?.stop();
      if (streamRef.current === stream) streamRef.current = null;
    };
  }, [api, session.clientId, session.token, loadAttempt, initialList]);

  const launch = useCallback(
    async (request: LaunchRequest): Promise<LaunchOutcome> => {
      dispatch({ type: 'LAUNCH_REQUESTED', request, at: new Date().toISOString() });
      try {
        const response = await api.launch(request);
        dispatch({ type: 'LAUNCH_ACCEPTED', requestId: request.request_id, response });
        return { ok: true, retryable: false };
      } catch (e) {
        if (isAuthError(e)) unauthorizedRef.current();
        const err = e instanceof ApiError ? e : null;
        dispatch({
          type: 'REQUEST_FAILED',
          op: 'launch',
          requestId: request.request_id,
          message: err ? describeProblem(err.problem) : 'The launch request failed.',
          retryable: err?.retryable ?? true,
        });
        return { ok: false, retryable: err?.retryable ?? true };
      }
    },
    [api],
  );

  /** One terminate with its own request id; the row shows it in flight and any refusal. */
  const terminateOne = useCallback(
    async (instanceId: string, requestId: string): Promise<TerminateResult> => {
      dispatch({ type: 'TERMINATE_REQUESTED', instanceId, at: new Date().toISOString() });
      try {
        const response = await api.terminate(instanceId, requestId);
        dispatch({ type: 'TERMINATE_ACCEPTED', instanceId, response });
        return { instanceId, requestId, ok: true, message: null };
      } catch (e) {
        if (isAuthError(e)) unauthorizedRef.current();
        const message = e instanceof ApiError ? describeProblem(e.problem) : 'The terminate request failed.';
        dispatch({ type: 'REQUEST_FAILED', op: 'terminate', instanceId, message });
        return { instanceId, requestId, ok: false, message };
      }
    },
    [api],
  );

  const terminate = useCallback(
    async (instanceId: string) => {
      await terminateOne(instanceId, newRequestId('terminate-'));
    },
    [terminateOne],
  );

  const moveFailure = useCallback((e: unknown, instanceId: string, requestId: string, fallback: string): MoveOutcome => {
    if (isAuthError(e)) unauthorizedRef.current();
    const message = e instanceof ApiError ? describeProblem(e.problem) : fallback;
    dispatch({ type: 'MOVE_FAILED', instanceId, message });
    return { ok: false, requestId, message };
  }, []);

  /** Promote a running replica, with a fresh request id; the old primary becomes `demoteTo`. */
  const promote = useCallback(
    async (instanceId: string, demoteTo: DemoteTo): Promise<MoveOutcome> => {
      const requestId = newRequestId('promote-');
      dispatch({ type: 'PROMOTE_REQUESTED', instanceId, requestId, demoteTo });
      try {
        const response = await api.promote(instanceId, { request_id: requestId, demote_primary_to: demoteTo });
        dispatch({ type: 'PROMOTE_ACCEPTED', instanceId, response });
        return { ok: true, requestId, message: null };
      } catch (e) {
        return moveFailure(e, instanceId, requestId, 'The promote request failed.');
      }
    },
    [api, moveFailure],
  );

  /** Replace a running primary by another type/subnet/market: a MANUAL_SWITCH command with a fresh request id. */
  const switchType = useCallback(
    async (instanceId: string, agentId: string, target: SwitchTarget): Promise<MoveOutcome> => {
      const requestId = newRequestId('switch-');
      dispatch({ type: 'SWITCH_REQUESTED', instanceId, requestId, target });
      try {
        const response = await api.command({
          agent_id: agentId,
          command_type: 'MANUAL_SWITCH',
          request_id: requestId,
          metadata: { instance_id: instanceId, target },
        });
        dispatch({ type: 'SWITCH_ACCEPTED', instanceId, response: response ?? {} });
        return { ok: true, requestId, message: null };
      } catch (e) {
        return moveFailure(e, instanceId, requestId, 'The switch request failed.');
      }
    },
    [api, moveFailure],
  );

  /** Several at once, a few requests in flight at a time; every instance gets its own request id. */
  const terminateMany = useCallback(
    async (instanceIds: string[]): Promise<TerminateResult[]> => {
      const results: TerminateResult[] = new Array(instanceIds.length);
      let next = 0;
      const worker = async () => {
        while (next < instanceIds.length) {
          const i = next++;
          results[i] = await terminateOne(instanceIds[i], newRequestId('bulk-'));
        }
      };
      await Promise.all(Array.from({ length: Math.min(6, instanceIds.length) }, worker));
      return results;
    },
    [terminateOne],
  );

  return {
    state,
    api,
    subscribe,
    terminateMany,
    loadError,
    retryLoad: useCallback(() => setLoadAttempt((n) => n + 1), []),
    launch,
    terminate,
    promote,
    switchType,
    dismissMove: useCallback((instanceId: string) => dispatch({ type: 'MOVE_DISMISSED', instanceId }), []),
    reconnectNow: useCallback(() => streamRef.current?.reconnectNow(), []),
    dismissBanner: useCallback((id: string) => dispatch({ type: 'BANNER_DISMISSED', id }), []),
    dismissCardError: useCallback((key: string) => dispatch({ type: 'CARD_ERROR_DISMISSED', key }), []),
    dismissLaunchError: useCallback(() => dispatch({ type: 'LAUNCH_ERROR_DISMISSED' }), []),
  };
}
