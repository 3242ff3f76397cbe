package com.spotoptimizer.db.event;

import com.spotoptimizer.db.system.JsonText;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Appends to the outbox inside the caller's transaction. The id comes from the client's row
 * ({@code clients.last_event_id}), incremented under its row lock: writers of one client are
 * serialized until commit, so ids are handed out in commit order and readers never skip one.
 * The NOTIFY is delivered at commit; PostgreSQL folds repeats within a transaction into one.
 *
 * <p>Always call it inside a transaction: outside one, the counter update would commit before the
 * row exists and a concurrent writer could commit a higher id first.
 *
 * <p>An optional {@link EventPublishedListener} hears about each row after its transaction commits
 * (a rolled-back event is never counted as published).
 */
@Component
public class EventAppender {

    public static final String CHANNEL = "spot_events";

    private final DatabaseClient db;
    private final ObjectProvider<EventPublishedListener> listeners;

    public EventAppender(DatabaseClient db) {
        this(db, null);
    }

    @Autowired
    public EventAppender(DatabaseClient db, ObjectProvider<EventPublishedListener> listeners) {
        this.db = db;
        this.listeners = listeners;
    }

    public Mono<EventRow> append(String clientId, String type, UUID instanceId, Map<String, Object> data, Instant at) {
        String json = JsonText.of(data);
        return db.sql("UPDATE clients SET last_event_id = last_event_id + 1 WHERE client_id = :client RETURNING last_event_id")
                .bind("client", clientId)
                .map(r -> r.get("last_event_id", Long.class)).one()
                .flatMap(id -> {
                    var insert = db.sql("""
                            INSERT INTO events (client_id, event_id, event_type, instance_id, data, occurred_at)
                            VALUES (:client, :id, :type, :instance, CAST(:data AS jsonb), :at)""")
                            .bind("client", clientId).bind("id", id).bind("type", type)
                            .bind("data", json).bind("at", at);
                    insert = instanceId == null ? insert.bindNull("instance", UUID.class) : insert.bind("instance", instanceId);
                    return insert.then()
                            .then(db.sql("SELECT pg_notify('" + CHANNEL + "', :client)").bind("client", clientId).then())
                            .thenReturn(new EventRow(clientId, id, type, instanceId, json, at))
                            .flatMap(row -> afterCommit(row).thenReturn(row));
                });
    }

    private Mono<Void> afterCommit(EventRow row) {
        EventPublishedListener listener = listeners == null ? null : listeners.getIfAvailable();
        if (listener == null) {
            return Mono.empty();
        }
        return TransactionSynchronizationManager.forCurrentTransaction()
                .flatMap(sync -> {
                    if (!sync.isSynchronizationActive()) {
                        listener.published(row);
                        return Mono.<Void>empty();
                    }
                    sync.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public Mono<Void> afterCommit() {
                            return Mono.fromRunnable(() -> listener.published(row));
                        }
                    });
                    return Mono.<Void>empty();
                })
                .onErrorResume(NoTransactionException.class, e -> Mono.fromRunnable(() -> listener.published(row)));
    }
}
