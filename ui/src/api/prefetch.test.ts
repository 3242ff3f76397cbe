import { describe, expect, it } from 'vitest';
import { dropPrefetchedInstances, earlyResponse, prefetchInstances, takePrefetchedInstances } from './prefetch';

describe('list prefetch', () => {
  it('hands the list to the first taker with the same token, once', async () => {
    prefetchInstances('t1', async () => ({ instances: [], last_event_id: 3 }));
    expect(takePrefetchedInstances('other')).toBeNull();
    prefetchInstances('t1', async () => ({ instances: [], last_event_id: 4 }));
    await expect(takePrefetchedInstances('t1')).resolves.toEqual({ instances: [], last_event_id: 4 });
    expect(takePrefetchedInstances('t1')).toBeNull();
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
