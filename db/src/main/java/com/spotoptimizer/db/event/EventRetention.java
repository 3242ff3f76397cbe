package com.spotoptimizer.db.event;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Removes events older than retention. Per client, everything at or below the newest old id goes, and
 * {@code clients.pruned_through_id} moves up to it in the same transaction, so a stream can tell a
 * resume point that fell into the removed range (and answer it with RESYNC) from one that did not.
 * Safe to run on several replicas at once: both the mark and the delete are idempotent.
 */
@Component
public class EventRetention {

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    public EventRetention(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** Prunes every client's events that occurred before {@code cutoff}; returns the rows removed. */
    public Mono<Long> pruneBefore(Instant cutoff) {
        return db.sql("SELECT client_id, max(event_id) AS through FROM events WHERE occurred_at < :cutoff GROUP BY client_id")
                .bind("cutoff", cutoff)
                .map(r -> new Mark(r.get("client_id", String.class), r.get("through", Long.class)))
                .all()
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(this::prune)
                .reduce(0L, Long::sum);
    }

    private Mono<Long> prune(Mark mark) {
        Mono<Long> work = db.sql("""
                        UPDATE clients SET pruned_through_id = :through
                        WHERE client_id = :client AND pruned_through_id < :through""")
                .bind("client", mark.clientId()).bind("through", mark.through())
                .fetch().rowsUpdated()
                .then(db.sql("DELETE FROM events WHERE client_id = :client AND event_id <= :through")
                        .bind("client", mark.clientId()).bind("through", mark.through())
                        .fetch().rowsUpdated());
        return tx.transactional(work);
    }

    private record Mark(String clientId, long through) {
    }
}
