package com.spotoptimizer.db.event;

/**
 * Told about each event row once its transaction has committed (or at once when the append ran
 * outside a transaction). Used for the {@code spot_events_published_total} counter; implementations
 * must be quick and must not throw.
 */
@FunctionalInterface
public interface EventPublishedListener {

    void published(EventRow event);
}
