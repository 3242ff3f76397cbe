// Test helpers: cards made from a few instance fields.
import type { Instance } from '../api/types';
import type { Card } from './fleetState';

export function card(overrides: Partial<Instance> = {}, extra: Partial<Card> = {}): Card {
  const instance: Instance = {
    instance_id: 'inst-1',
    ec2_instance_id: null,
    request_id: 'req-1',
    agent_id: 'demo-agent',
    instance_type: 't3.micro',
    role: 'primary',
    status: 'running_primary',
    launch_requested_at: '2025-01-01T10:00:00Z',
    version: 1,
    ...overrides,
  };
  return { key: instance.instance_id, instance, optimistic: false, pending: null, error: null, emergency: null, ...extra };
}

export function byKey(cards: Card[]): Record<string, Card> {
  return Object.fromEntries(cards.map((c) => [c.key, c]));
}
