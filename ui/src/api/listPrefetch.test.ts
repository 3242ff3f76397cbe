import { describe, expect, it } from 'vitest';
import { dropPrefetchedInstances, prefetchInstances, takePrefetchedInstances } from './listPrefetch';

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
