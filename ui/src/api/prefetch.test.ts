import { describe, expect, it } from 'vitest';
import type { InstanceList } from './types';
import { prepareList } from '../state/listBuild';
import {
  dropPrefetchedInstances,
  earlyResponse,
  prefetchInstances,
  readyPrefetchedInstances,
  takePrefetchedInstances,
} from './prefetch';

const prepared = (lastEventId: number) => prepareList({ instances: [], last_event_id: lastEventId } satisfies InstanceList);

describe('list prefetch', () => {
  it('hands the list to the first taker with the same token, once', async () => {
    prefetchInstances('t1', () => prepared(3));
    expect(takePrefetchedInstances('other')).toBeNull();
    prefetchInstances('t1', () => prepared(4));
    await expect(takePrefetchedInstances('t1')).resolves.toMatchObject({ list: { instances: [], last_event_id: 4 } });
    expect(takePrefetchedInstances('t1')).toBeNull();
  });

  it('shows a prepared list without handing it over, only once it is ready and only for its token', async () => {
    let finish: (p: Awaited<ReturnType<typeof prepared>>) => void = () => {};
    prefetchInstances('t3', () => new Promise((resolve) => (finish = resolve)));
    expect(readyPrefetchedInstances('t3')).toBeNull();
    const ready = await prepared(7);
    finish(ready);
    await new Promise((r) => setTimeout(r, 0));
    expect(readyPrefetchedInstances('other')).toBeNull();
    expect(readyPrefetchedInstances('t3')).toBe(ready);
    expect(readyPrefetchedInstances('t3')).toBe(ready);
    await expect(takePrefetchedInstances('t3')).resolves.toBe(ready);
    expect(readyPrefetchedInstances('t3')).toBeNull();
  });

  it('is dropped when the token turns out to be bad, and a failure nobody takes is not unhandled', async () => {
    prefetchInstances('t2', () => Promise.reject(new Error('401')));
    dropPrefetchedInstances();
    expect(takePrefetchedInstances('t2')).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('the requests index.html made', () => {
  it('are handed over once each, and only for the token they were made with', () => {
    const w = globalThis as { __spotEarly?: { token: string; me?: Promise<Response>; list?: Promise<Response> } };
    const me = Promise.resolve(new Response('{}'));
    const list = Promise.resolve(new Response('{}'));
    w.__spotEarly = { token: 't1', me, list };
    expect(earlyResponse('t1', 'list')).toBe(list);
    expect(earlyResponse('t1', 'list')).toBeNull();
    expect(earlyResponse('t1', 'me')).toBe(me);
    expect(w.__spotEarly).toBeUndefined();
    w.__spotEarly = { token: 't1', me, list };
    expect(earlyResponse('t2', 'me')).toBeNull();
  });
});
