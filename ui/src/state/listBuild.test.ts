import { describe, expect, it } from 'vitest';
import type { Instance } from '../api/types';
import { fleetReducer, initialFleetState, initialStateFor } from './fleetReducer';
import { summarize } from './fleetSummary';
import { buildListedCards, buildListedCardsInSlices, prepareList } from './listBuild';
import { DEFAULT_QUERY, parseQuery, selectRows } from './tableView';

function fleet(n: number): Instance[] {
  return Array.from({ length: n }, (_, i) => ({
    instance_id: `inst-${i}`,
    ec2_instance_id: i % 3 ? `i-${i}` : null,
    request_id: `req-${i}`,
    agent_id: i % 2 ? 'agent-a' : 'agent-b',
    instance_type: i % 5 ? 't3.micro' : 'm5.large',
    role: i % 4 ? 'primary' : 'replica',
    status: i % 7 ? 'running_primary' : 'terminated',
    version: 1,
  }));
}

describe('building the listed cards in slices', () => {
  it('gives the same cards and counts as one pass, yielding to the main thread between slices', async () => {
    const instances = fleet(2500);
    let yields = 0;
    const listed = await buildListedCardsInSlices(instances, {
      sliceSize: 1000,
      yieldToMain: async () => {
        yields++;
      },
    });
    expect(yields).toBe(2);
    expect(listed.cards).toEqual(buildListedCards(instances));
    expect(listed.summary).toEqual(summarize(listed.cards));
  });

  it('uses the parsed instances as they are (no copy per row)', async () => {
    const instances = fleet(3);
    const listed = await buildListedCardsInSlices(instances);
    expect(listed.cards['inst-1'].instance).toBe(instances[1]);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    const listed = await buildListedCardsInSlices(fleet(3000), {
      sliceSize: 1000,
      signal: abort.signal,
      yieldToMain: async () => abort.abort(),
    });
    expect(Object.keys(listed.cards)).toHaveLength(1000);
  });
});

describe('LIST_LOADED with cards built ahead', () => {
  it('takes them as they are when there is nothing of ours to lay over them', async () => {
    const instances = fleet(10);
    const listed = await buildListedCardsInSlices(instances);
    const state = fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances, lastEventId: 7, listed });
    expect(state.cards).toBe(listed.cards);
    expect(state.listedSummary).toBe(listed);
    expect(state.lastEventId).toBe(7);
    expect(state.loaded).toBe(true);
  });

  it('keeps our terminate in flight and a refusal over a re-list, without changing the built cards', async () => {
    const first = fleet(3);
    let state = fleetReducer(initialFleetState, { type: 'LIST_LOADED', instances: first, lastEventId: 1 });
    state = fleetReducer(state, { type: 'TERMINATE_REQUESTED', instanceId: 'inst-1', at: '2025-01-01T10:00:00Z' });
    state = fleetReducer(state, { type: 'REQUEST_FAILED', op: 'terminate', instanceId: 'inst-2', message: 'no' });
    const again = fleet(3);
    const listed = await buildListedCardsInSlices(again);
    const next = fleetReducer(state, { type: 'RESYNCED', instances: again, lastEventId: 5, listed });
    expect(next.cards['inst-1'].pending).toBe('terminate');
    expect(next.cards['inst-2'].error).toBe('no');
    expect(next.cards['inst-0']).toBe(listed.cards['inst-0']);
    expect(listed.cards['inst-1'].pending).toBeNull();
    expect(next.lastEventId).toBe(5);
  });
});

describe('preparing a list for the first render', () => {
  it('sorts the rows for the query in a task of its own after the last slice', async () => {
    const instances = fleet(2500);
    const query = parseQuery('?sort=type&dir=desc&status=running');
    let yields = 0;
    const { list, listed } = await prepareList(
      { instances, last_event_id: 9 },
      { sliceSize: 1000, query, yieldToMain: async () => void yields++ },
    );
    expect(yields).toBe(3);
    expect(list.last_event_id).toBe(9);
    expect(listed.rows?.cards).toBe(listed.cards);
    expect(listed.rows?.rows).toEqual(selectRows(listed.cards, query));
    expect(listed.summary).toEqual(summarize(listed.cards));
  });

  it('sorts nothing without a query, and stops when aborted', async () => {
    expect((await prepareList({ instances: fleet(10), last_event_id: 1 })).listed.rows).toBeUndefined();
    const abort = new AbortController();
    const listed = await buildListedCardsInSlices(fleet(2500), {
      sliceSize: 1000,
      query: DEFAULT_QUERY,
      signal: abort.signal,
      yieldToMain: async () => abort.abort(),
    });
    expect(listed.rows).toBeUndefined();
    expect(Object.keys(listed.cards)).toHaveLength(1000);
  });

  it('puts the list in the state the page starts from, its summary and rows with it', async () => {
    const prepared = await prepareList({ instances: fleet(30), last_event_id: 12 }, { query: DEFAULT_QUERY });
    const state = initialStateFor(prepared);
    expect(state.loaded).toBe(true);
    expect(state.lastEventId).toBe(12);
    expect(state.cards).toBe(prepared.listed.cards);
    expect(state.listedSummary).toBe(prepared.listed);
    expect(state.listedSummary?.rows?.cards).toBe(state.cards);
    expect(initialStateFor(null)).toBe(initialFleetState);
  });
});
