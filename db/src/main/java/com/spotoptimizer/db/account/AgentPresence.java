package com.spotoptimizer.db.account;

import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Agent liveness. A heartbeat marks the agent online; an agent whose last heartbeat is too old is
 * marked offline by a sweep. Each status change is one transaction with its AGENT_STATUS_CHANGED
 * event. Both writes are conditional on the row they lock, so several replicas sweeping at once, or a
 * heartbeat racing the sweep, announce each change exactly once.
 */
@Component
public class AgentPresence {

    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    private final DatabaseClient db;
    private final EventAppender events;
    private final TransactionalOperator tx;

    public AgentPresence(DatabaseClient db, EventAppender events, TransactionalOperator tx) {
        this.db = db;
        this.events = events;
        this.tx = tx;
    }

    /** The agent after its heartbeat; {@code changed} when this heartbeat brought it online. */
    public record Heartbeat(String agentId, String clientId, String status, Instant lastHeartbeatAt, boolean changed) {
    }

    /** Records a heartbeat at {@code at}; empty if the agent does not exist. */
    public Mono<Heartbeat> heartbeat(String agentId, Instant at) {
        Mono<Heartbeat> work = db.sql("""
                        UPDATE agents a SET status = 'online',
                               last_heartbeat_at = greatest(coalesce(a.last_heartbeat_at, :at), :at)
                        FROM (SELECT agent_id, status FROM agents WHERE agent_id = :agent FOR UPDATE) prev
                        WHERE a.agent_id = prev.agent_id
                        RETURNING a.agent_id, a.client_id, a.name, a.transport, a.last_heartbeat_at, prev.status AS previous""")
                .bind("agent", agentId).bind("at", at)
                .map(r -> new Row(r.get("agent_id", String.class), r.get("client_id", String.class), r.get("name", String.class),
                        r.get("transport", String.class), r.get("last_heartbeat_at", Instant.class), r.get("previous", String.class)))
                .one()
                .flatMap(row -> {
                    Heartbeat result = new Heartbeat(row.agentId(), row.clientId(), ONLINE, row.lastHeartbeatAt(),
                            !ONLINE.equals(row.previous()));
                    if (!result.changed()) {
                        return Mono.just(result);
                    }
                    return events.append(row.clientId(), EventTypes.AGENT_STATUS_CHANGED, null,
                            data(row, ONLINE, "heartbeat received"), at).thenReturn(result);
                });
        return tx.transactional(work);
    }

    /**
     * Marks one online agent whose last heartbeat is older than {@code staleBefore} offline, with its
     * event, and returns its id; empty when there is none left. Rows another replica is sweeping are
     * skipped, not waited for.
     */
    public Mono<String> markOneOffline(Instant staleBefore, Instant at) {
        Mono<String> work = db.sql("""
                        UPDATE agents SET status = 'offline'
                        WHERE agent_id = (SELECT agent_id FROM agents
                                          WHERE status = 'online' AND last_heartbeat_at < :stale
                                          ORDER BY last_heartbeat_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                          AND status = 'online' AND last_heartbeat_at < :stale
                        RETURNING agent_id, client_id, name, transport, last_heartbeat_at""")
                .bind("stale", staleBefore)
                .map(r -> new Row(r.get("agent_id", String.class), r.get("client_id", String.class), r.get("name", String.class),
                        r.get("transport", String.class), r.get("last_heartbeat_at", Instant.class), ONLINE))
                .one()
                .flatMap(row -> events.append(row.clientId(), EventTypes.AGENT_STATUS_CHANGED, null,
                        data(row, OFFLINE, "no heartbeat since " + row.lastHeartbeatAt()), at).thenReturn(row.agentId()));
        return tx.transactional(work);
    }

    private static Map<String, Object> data(Row row, String status, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent_id", row.agentId());
        data.put("name", row.name());
        data.put("transport", row.transport());
        data.put("status", status);
        data.put("previous_status", row.previous());
        data.put("last_heartbeat_at", row.lastHeartbeatAt() == null ? null : row.lastHeartbeatAt().toString());
        data.put("reason", reason);
        return data;
    }

    private record Row(String agentId, String clientId, String name, String transport, Instant lastHeartbeatAt, String previous) {
    }
}
