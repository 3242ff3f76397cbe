package com.spotoptimizer.db.command;

import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for {@code commands}: queueing, leasing to HTTP agents, completion. */
@Repository
public class CommandRepository {

    private static final String COLUMNS = """
            command_id, agent_id, client_id, instance_id, command_type, priority, request_id,
            metadata::text AS metadata, status, attempts, lease_expires_at, created_at""";

    public static final Comparator<CommandRow> DELIVERY_ORDER = Comparator
            .comparingInt(CommandRow::priority).reversed()
            .thenComparing(CommandRow::createdAt)
            .thenComparing(CommandRow::commandId);

    private final DatabaseClient db;

    public CommandRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts unless a command of that type and request already exists for the agent; true if inserted. */
    public Mono<Boolean> insert(CommandRow c) {
        return insert(c, 0);
    }

    /** A launch attempt's command: several share the launch's request id, told apart by {@code attempt}. */
    public Mono<Boolean> insert(CommandRow c, int attempt) {
        var spec = db.sql("""
                INSERT INTO commands (command_id, agent_id, client_id, instance_id, command_type, priority, request_id,
                                      metadata, status, created_at, attempt)
                VALUES (:id, :agent, :client, :instance, :type, :priority, :request, CAST(:metadata AS jsonb), :status,
                        :created, :attempt)
                ON CONFLICT DO NOTHING""")
                .bind("attempt", attempt)
                .bind("id", c.commandId()).bind("agent", c.agentId()).bind("client", c.clientId())
                .bind("type", c.commandType()).bind("priority", c.priority()).bind("request", c.requestId())
                .bind("metadata", c.metadataJson() == null ? "{}" : c.metadataJson())
                .bind("status", c.status()).bind("created", c.createdAt());
        spec = c.instanceId() == null ? spec.bindNull("instance", UUID.class) : spec.bind("instance", c.instanceId());
        return spec.fetch().rowsUpdated().map(n -> n > 0);
    }

    /**
     * A move's command (switch or maintenance), recorded by its workflow: not handed to an agent before
     * {@code notBefore} (null: at once). Inserts unless it exists; true if inserted.
     */
    public Mono<Boolean> insertMove(CommandRow c, Instant notBefore) {
        var spec = db.sql("""
                INSERT INTO commands (command_id, agent_id, client_id, instance_id, command_type, priority, request_id,
                                      metadata, status, created_at, not_before)
                VALUES (:id, :agent, :client, :instance, :type, :priority, :request, CAST(:metadata AS jsonb), :status,
                        :created, :notBefore)
                ON CONFLICT DO NOTHING""")
                .bind("id", c.commandId()).bind("agent", c.agentId()).bind("client", c.clientId())
                .bind("type", c.commandType()).bind("priority", c.priority()).bind("request", c.requestId())
                .bind("metadata", c.metadataJson() == null ? "{}" : c.metadataJson())
                .bind("status", c.status()).bind("created", c.createdAt());
        spec = c.instanceId() == null ? spec.bindNull("instance", UUID.class) : spec.bind("instance", c.instanceId());
        spec = notBefore == null ? spec.bindNull("notBefore", Instant.class) : spec.bind("notBefore", notBefore);
        return spec.fetch().rowsUpdated().map(n -> n > 0);
    }

    /** A client's move command by its request id, whatever its type (a request id names one move). */
    public Mono<CommandRow> findMoveByRequest(String clientId, String requestId) {
        return db.sql("SELECT " + COLUMNS + """
                 FROM commands WHERE client_id = :client AND request_id = :request
                  AND command_type NOT IN ('LAUNCH_INSTANCE', 'TERMINATE_INSTANCE')
                ORDER BY created_at LIMIT 1""")
                .bind("client", clientId).bind("request", requestId).map(CommandRepository::map).one();
    }

    public Mono<CommandRow> findById(String commandId) {
        return db.sql("SELECT " + COLUMNS + " FROM commands WHERE command_id = :id")
                .bind("id", commandId).map(CommandRepository::map).one();
    }

    /** The recorded outcome of a move (JSON), if it has one. */
    public Mono<String> findOutcome(String commandId) {
        return db.sql("SELECT outcome::text AS outcome FROM commands WHERE command_id = :id AND outcome IS NOT NULL")
                .bind("id", commandId).map(r -> r.get("outcome", String.class)).one();
    }

    /** Move commands not closed yet: what a restart checks against the workflows that exist. */
    public Flux<CommandRow> findOpenMoves() {
        return db.sql("SELECT " + COLUMNS + """
                 FROM commands
                WHERE command_type NOT IN ('LAUNCH_INSTANCE', 'TERMINATE_INSTANCE')
                  AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')""")
                .map(CommandRepository::map).all();
    }

    /** The not_before of a command, if any. */
    public Mono<Instant> findNotBefore(String commandId) {
        return db.sql("SELECT not_before FROM commands WHERE command_id = :id AND not_before IS NOT NULL")
                .bind("id", commandId).map(r -> r.get("not_before", Instant.class)).one();
    }

    /** Closes a move's command with its outcome; a command already closed stays as it is (first outcome wins). */
    public Mono<Long> closeWithOutcome(String commandId, String status, String message, String outcomeJson, Instant now) {
        var spec = db.sql("""
                UPDATE commands SET status = :status, result_message = :message, outcome = CAST(:outcome AS jsonb),
                                    completed_at = :now, lease_expires_at = NULL
                WHERE command_id = :id AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')""")
                .bind("id", commandId).bind("status", status).bind("outcome", outcomeJson).bind("now", now);
        spec = message == null ? spec.bindNull("message", String.class) : spec.bind("message", message);
        return spec.fetch().rowsUpdated();
    }

    public Mono<CommandRow> findForAgent(String agentId, String commandId) {
        return db.sql("SELECT " + COLUMNS + " FROM commands WHERE agent_id = :agent AND command_id = :id")
                .bind("agent", agentId).bind("id", commandId).map(CommandRepository::map).one();
    }

    /**
     * Hands out the agent's pending commands under a lease: queued ones, and delivered ones whose lease
     * ran out without a confirmation or result (at-least-once). SKIP LOCKED keeps two concurrent polls
     * of the same agent from handing out the same command twice within one lease. A scheduled command is not
     * handed out before its {@code not_before}.
     */
    public Flux<CommandRow> lease(String agentId, Instant now, Duration lease, int limit) {
        return db.sql("""
                UPDATE commands c
                SET status = 'DELIVERED', attempts = c.attempts + 1, delivered_at = :now, lease_expires_at = :until
                FROM (SELECT command_id FROM commands
                      WHERE agent_id = :agent
                        AND (status = 'QUEUED' OR (status = 'DELIVERED' AND lease_expires_at <= :now))
                        AND (not_before IS NULL OR not_before <= :now)
                      ORDER BY priority DESC, created_at, command_id
                      LIMIT :limit
                      FOR UPDATE SKIP LOCKED) pending
                WHERE c.command_id = pending.command_id
                RETURNING c.command_id, c.agent_id, c.client_id, c.instance_id, c.command_type, c.priority,
                          c.request_id, c.metadata::text AS metadata, c.status, c.attempts, c.lease_expires_at, c.created_at""")
                .bind("agent", agentId).bind("now", now).bind("until", now.plus(lease)).bind("limit", limit)
                .map(CommandRepository::map).all()
                .sort(DELIVERY_ORDER);
    }

    /** Closes a command; a command already closed stays as it is (first outcome wins). */
    public Mono<Long> close(String commandId, String status, String message, Instant now) {
        var spec = db.sql("""
                UPDATE commands SET status = :status, result_message = :message, completed_at = :now, lease_expires_at = NULL
                WHERE command_id = :id AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')""")
                .bind("id", commandId).bind("status", status).bind("now", now);
        spec = message == null ? spec.bindNull("message", String.class) : spec.bind("message", message);
        return spec.fetch().rowsUpdated();
    }

    /**
     * Closes the instance's open LAUNCH_INSTANCE commands: the first attempt's and, for an HTTP agent whose launch fell
     * back to an alternative, the later attempts' ({@code launch-<id>-attempt-<n>}).
     */
    public Mono<Long> closeOpenLaunches(UUID instanceId, String status, String message, Instant now) {
        var spec = db.sql("""
                UPDATE commands SET status = :status, result_message = :message, completed_at = :now, lease_expires_at = NULL
                WHERE instance_id = :instance AND command_type = 'LAUNCH_INSTANCE'
                  AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')""")
                .bind("instance", instanceId).bind("status", status).bind("now", now);
        spec = message == null ? spec.bindNull("message", String.class) : spec.bind("message", message);
        return spec.fetch().rowsUpdated();
    }

    /** Closes every open command of an instance (it ended; nothing is left for an agent to do). */
    public Mono<Long> closeOpenForInstance(UUID instanceId, String status, String message, Instant now) {
        return db.sql("""
                UPDATE commands SET status = :status, result_message = :message, completed_at = :now, lease_expires_at = NULL
                WHERE instance_id = :instance AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')""")
                .bind("instance", instanceId).bind("status", status).bind("message", message).bind("now", now)
                .fetch().rowsUpdated();
    }

    /** Commands waiting for an agent (queued, or handed out and not yet acknowledged), by priority. */
    public Mono<Map<Integer, Long>> countWaitingByPriority() {
        return db.sql("SELECT priority, count(*) AS n FROM commands WHERE status IN ('QUEUED', 'DELIVERED') GROUP BY priority")
                .map(r -> Map.entry(r.get("priority", Integer.class), r.get("n", Long.class))).all()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static CommandRow map(Readable r) {
        return new CommandRow(
                r.get("command_id", String.class),
                r.get("agent_id", String.class),
                r.get("client_id", String.class),
                r.get("instance_id", UUID.class),
                r.get("command_type", String.class),
                r.get("priority", Integer.class),
                r.get("request_id", String.class),
                r.get("metadata", String.class),
                r.get("status", String.class),
                r.get("attempts", Integer.class),
                r.get("lease_expires_at", Instant.class),
                r.get("created_at", Instant.class));
    }
}
