package com.spotoptimizer.db.event;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the outbox. Everything with an id at or below the client's last_event_id is committed. */
@Repository
public class EventReader {

    private final DatabaseClient db;

    public EventReader(DatabaseClient db) {
        this.db = db;
    }

    public Flux<EventRow> after(String clientId, long afterId, int limit) {
        return db.sql("""
                SELECT client_id, event_id, event_type, instance_id, data::text AS data, occurred_at
                FROM events WHERE client_id = :client AND event_id > :after ORDER BY event_id LIMIT :limit""")
                .bind("client", clientId).bind("after", afterId).bind("limit", limit)
                .map(EventReader::map).all();
    }

    public Flux<EventRow> forInstance(String clientId, UUID instanceId) {
        return db.sql("""
                SELECT client_id, event_id, event_type, instance_id, data::text AS data, occurred_at
                FROM events WHERE client_id = :client AND instance_id = :instance ORDER BY event_id""")
                .bind("client", clientId).bind("instance", instanceId)
                .map(EventReader::map).all();
    }

    public Mono<Long> lastEventId(String clientId) {
        return db.sql("SELECT last_event_id FROM clients WHERE client_id = :client")
                .bind("client", clientId).map(r -> r.get("last_event_id", Long.class)).one();
    }

    /** The client's newest id and retention mark, read together (one row, one snapshot). */
    public Mono<StreamPosition> position(String clientId) {
        return db.sql("SELECT client_id, last_event_id, pruned_through_id FROM clients WHERE client_id = :client")
                .bind("client", clientId)
                .map(r -> new StreamPosition(r.get("client_id", String.class), r.get("last_event_id", Long.class),
                        r.get("pruned_through_id", Long.class)))
                .one();
    }

    /** The newest id of each of these clients: one query, however many clients (the streams' polling backstop). */
    public Mono<Map<String, Long>> lastEventIds(Collection<String> clientIds) {
        if (clientIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("SELECT client_id, last_event_id FROM clients WHERE client_id = ANY(:clients)")
                .bind("clients", clientIds.toArray(String[]::new))
                .map(r -> Map.entry(r.get("client_id", String.class), r.get("last_event_id", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    static EventRow map(Readable r) {
        return new EventRow(
                r.get("client_id", String.class),
                r.get("event_id", Long.class),
                r.get("event_type", String.class),
                r.get("instance_id", UUID.class),
                r.get("data", String.class),
                r.get("occurred_at", Instant.class));
    }
}
