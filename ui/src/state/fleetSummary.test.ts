import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../api/types';
import { summarize, summaryFacets, updateSummary } from './fleetSummary';
import { countByGroup, facets } from './tableView';
import { byKey, card } from './testCards';

const STATUSES: InstanceStatus[] = ['launching', 'running_primary', 'running_replica', 'promoting', 'terminated', 'launch_failed'];

describe('fleet summary', () => {
  it('counts like countByGroup and offers the same filter choices as facets', () => {
    const cards = byKey([
      card({ instance_id: 'a', status: 'launching' }),
      card({ instance_id: 'b', status: 'running_primary', agent_id: 'other-agent' }),
      card({ instance_id: 'c', status: 'terminated', instance_type: 'm5.large' }),
      card({ instance_id: 'd', status: 'running_replica' }, { pending: 'terminate' }),
    ]);
    const summary = summarize(cards);
    expect(summary.counts).toEqual(countByGroup(cards));
    expect(summaryFacets(summary)).toEqual(facets(cards));
    expect(summaryFacets(summary, { agent: 'gone-agent', type: null }).agents).toContain('gone-agent');
  });

  it('updated from the cards that changed equals a full count, through adds, changes and removals', () => {
    let cards = byKey(Array.from({ length: 50 }, (_, i) => card({ instance_id: `i${i}`, status: STATUSES[i % STATUSES.length] })));
    let basis = { cards, summary: summarize(cards) };
    for (let step = 0; step < 40; step++) {
      const next = { ...cards };
      const key = `i${(step * 7) % 60}`;
      if (step % 5 === 0) delete next[key];
      else next[key] = card({ instance_id: key, status: STATUSES[step % STATUSES.length], agent_id: step % 3 ? 'demo-agent' : `agent-${step}` });
      const summary = updateSummary(basis, next);
      expect(summary.counts).toEqual(countByGroup(next));
      expect(summaryFacets(summary)).toEqual(facets(next));
      cards = next;
      basis = { cards, summary };
    }
  });

  it('returns the same summary when no card changed', () => {
    const cards = byKey([card()]);
    const basis = { cards, summary: summarize(cards) };
    expect(updateSummary(basis, { ...cards })).toBe(basis.summary);
  });
});
