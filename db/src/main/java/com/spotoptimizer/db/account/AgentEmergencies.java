package com.spotoptimizer.db.account;

import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Emergency notices from an agent (AWS spot interruption, rebalance recommendation), announced as
 * EMERGENCY_EVENT with the notice's EC2 instance resolved to the stable instance id when it is one of
 * the agent's. A repeated notice (same agent, kind, EC2 instance and action time) announces nothing
 * new and answers with the first one's event id.
 */
@Component
public class AgentEmergencies {

    private final DatabaseClient db;
    private final EventAppender events;
    private final TransactionalOperator tx;

    public AgentEmergencies(DatabaseClient db, EventAppender events, TransactionalOperator tx) {
        this.db = db;
        this.events = events;
        this.tx = tx;
    }

    public record Notice(String agentId, String clientId, String kind, String ec2InstanceId, Instant actionTime) {
    }

    /** What the notice became: its event id, the instance it is about, and whether it was new. */
    public record Recorded(long eventId, UUID instanceId, String instanceStatus, boolean created) {
    }

    /** Empty when no instance of this agent has the EC2 id: nothing is recorded or announced. */
    public Mono<Recorded> record(Notice notice, Instant at) {
        String key = notice.actionTime() == null ? "" : notice.actionTime().toString();
        Mono<Recorded> work = db.sql("""
                        SELECT instance_id, status FROM instances WHERE agent_id = :agent AND ec2_instance_id = :ec2""")
                .bind("agent", notice.agentId()).bind("ec2", notice.ec2InstanceId())
                .map(r -> new Resolved(r.get("instance_id", UUID.class), r.get("status", String.class)))
                .one()
                .flatMap(resolved -> db.sql("""
                                INSERT INTO agent_emergencies (agent_id, kind, ec2_instance_id, notice_key, event_id)
                                VALUES (:agent, :kind, :ec2, :key, 0)
                                ON CONFLICT DO NOTHING""")
                        .bind("agent", notice.agentId()).bind("kind", notice.kind()).bind("ec2", notice.ec2InstanceId())
                        .bind("key", key)
                        .fetch().rowsUpdated()
                        .flatMap(inserted -> inserted > 0 ? announce(notice, resolved, key, at) : existing(notice, resolved, key)));
        return tx.transactional(work);
    }

    private Mono<Recorded> announce(Notice notice, Resolved resolved, String key, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent_id", notice.agentId());
        data.put("kind", notice.kind());
        data.put("ec2_instance_id", notice.ec2InstanceId());
        data.put("instance_id", resolved.instanceId() == null ? null : resolved.instanceId().toString());
        data.put("instance_status", resolved.status());
        data.put("action_time", notice.actionTime() == null ? null : notice.actionTime().toString());
        return events.append(notice.clientId(), EventTypes.EMERGENCY_EVENT, resolved.instanceId(), data, at)
                .flatMap(event -> db.sql("""
                                UPDATE agent_emergencies SET event_id = :event
                                WHERE agent_id = :agent AND kind = :kind AND ec2_instance_id = :ec2 AND notice_key = :key""")
                        .bind("event", event.eventId()).bind("agent", notice.agentId()).bind("kind", notice.kind())
                        .bind("ec2", notice.ec2InstanceId()).bind("key", key)
                        .then()
                        .thenReturn(new Recorded(event.eventId(), resolved.instanceId(), resolved.status(), true)));
    }

    private Mono<Recorded> existing(Notice notice, Resolved resolved, String key) {
        return db.sql("""
                        SELECT event_id FROM agent_emergencies
                        WHERE agent_id = :agent AND kind = :kind AND ec2_instance_id = :ec2 AND notice_key = :key""")
                .bind("agent", notice.agentId()).bind("kind", notice.kind()).bind("ec2", notice.ec2InstanceId())
                .bind("key", key)
                .map(r -> r.get("event_id", Long.class)).one()
                .map(eventId -> new Recorded(eventId, resolved.instanceId(), resolved.status(), false));
    }

    /** Forgets notices received before {@code before} (their events stay in the log until retention). */
    public Mono<Long> deleteReceivedBefore(Instant before) {
        return db.sql("DELETE FROM agent_emergencies WHERE received_at < :before").bind("before", before)
                .fetch().rowsUpdated();
    }

    private record Resolved(UUID instanceId, String status) {
    }
}
