package com.spotoptimizer.db.instance;

import static com.spotoptimizer.db.system.Binds.bind;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for {@code instances}. Writes are only called by {@link InstanceTransitions}. */
@Repository
public class InstanceRepository {

    private static final String COLUMNS = """
            instance_id, client_id, agent_id, ec2_instance_id, instance_type, role, status, failure_reason,
            request_id, request_fingerprint, termination_request_id, metadata::text AS metadata,
            launch_requested_at, launch_confirmed_at, launch_duration_seconds,
            termination_requested_at, termination_confirmed_at, termination_duration_seconds,
            version, created_at, updated_at,
            launch_queued_reason, launch_call_at, launched_with::text AS launched_with,
            skipped_alternatives::text AS skipped_alternatives""";

    private final DatabaseClient db;

    public InstanceRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<InstanceRow> findById(UUID instanceId) {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE instance_id = :id")
                .bind("id", instanceId).map(InstanceRepository::map).one();
    }

    /** By stable id (a UUID) or EC2 id ({@code i-…}), within one client. */
    public Mono<InstanceRow> findForClient(String clientId, String anyId) {
        UUID stable = parseUuid(anyId);
        String where = stable != null ? "instance_id = :id" : "ec2_instance_id = :id";
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE client_id = :client AND " + where)
                .bind("client", clientId).bind("id", stable != null ? stable : anyId)
                .map(InstanceRepository::map).one();
    }

    /** By stable id or EC2 id, within one agent. */
    public Mono<InstanceRow> findForAgent(String agentId, String anyId) {
        UUID stable = parseUuid(anyId);
        String where = stable != null ? "instance_id = :id" : "ec2_instance_id = :id";
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE agent_id = :agent AND " + where)
                .bind("agent", agentId).bind("id", stable != null ? stable : anyId)
                .map(InstanceRepository::map).one();
    }

    /** The row holding this EC2 id, whoever's it is (EC2 ids are unique across the record). */
    public Mono<InstanceRow> findByEc2Id(String ec2InstanceId) {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE ec2_instance_id = :ec2")
                .bind("ec2", ec2InstanceId).map(InstanceRepository::map).one();
    }

    public Mono<InstanceRow> findByRequest(String clientId, String requestId) {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE client_id = :client AND request_id = :request")
                .bind("client", clientId).bind("request", requestId).map(InstanceRepository::map).one();
    }

    public Flux<InstanceRow> findByClient(String clientId) {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE client_id = :client ORDER BY launch_requested_at, instance_id")
                .bind("client", clientId).map(InstanceRepository::map).all();
    }

    /** Rows in a transitional state: what a restart must reconcile against the workflows that exist. */
    public Flux<InstanceRow> findInFlight() {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE status IN ('launching', 'terminating')")
                .map(InstanceRepository::map).all();
    }

    /**
     * The primary a replica stands in for: the one its {@code replica_of} names while that one is a running
     * primary; otherwise its client's oldest running primary on the same agent. Empty when there is none.
     */
    public Mono<InstanceRow> findPrimaryFor(UUID replicaId) {
        return db.sql("SELECT " + prefixed("p") + """
                 FROM instances r JOIN instances p
                   ON p.client_id = r.client_id AND p.status = 'running_primary' AND p.instance_id <> r.instance_id
                  AND (p.instance_id = r.replica_of OR (p.agent_id = r.agent_id AND NOT EXISTS (
                         SELECT 1 FROM instances named WHERE named.instance_id = r.replica_of
                            AND named.status = 'running_primary')))
                WHERE r.instance_id = :id
                ORDER BY (p.instance_id = r.replica_of) DESC NULLS LAST, p.launch_requested_at, p.instance_id
                LIMIT 1""")
                .bind("id", replicaId).map(InstanceRepository::map).one();
    }

    /**
     * A running replica standing in for this primary: one whose {@code replica_of} names it, else (when the
     * primary is its client's oldest running primary on that agent) an unattached replica of the same agent —
     * the same relation as {@link #findPrimaryFor}, seen from the other side.
     */
    public Mono<InstanceRow> findRunningReplicaOf(UUID primaryId) {
        return db.sql("SELECT " + prefixed("r") + """
                 FROM instances p JOIN instances r
                   ON r.client_id = p.client_id AND r.status = 'running_replica' AND r.instance_id <> p.instance_id
                WHERE p.instance_id = :id
                  AND (r.replica_of = p.instance_id OR (r.replica_of IS NULL AND r.agent_id = p.agent_id
                       AND p.instance_id = (SELECT o.instance_id FROM instances o
                                            WHERE o.client_id = p.client_id AND o.agent_id = p.agent_id
                                              AND o.status = 'running_primary'
                                            ORDER BY o.launch_requested_at, o.instance_id LIMIT 1)))
                ORDER BY (r.replica_of = p.instance_id) DESC NULLS LAST, r.launch_confirmed_at, r.instance_id
                LIMIT 1""")
                .bind("id", primaryId).map(InstanceRepository::map).one();
    }

    /** Rows a restart may find mid-promotion: their move workflow may be gone. */
    public Flux<InstanceRow> findPromoting() {
        return db.sql("SELECT " + COLUMNS + " FROM instances WHERE status = 'promoting'")
                .map(InstanceRepository::map).all();
    }

    /** Only called inside a transition of {@link InstanceTransitions}. */
    Mono<Long> setReplicaOf(UUID instanceId, UUID primaryId) {
        var spec = db.sql("UPDATE instances SET replica_of = :primary WHERE instance_id = :id").bind("id", instanceId);
        spec = bind(spec, "primary", primaryId, UUID.class);
        return spec.fetch().rowsUpdated();
    }

    /** {@link #COLUMNS} of one side of a self-join. */
    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(","))
                .map(column -> alias + "." + column.strip())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Inserts a new launching row; empty when the (client, request) already exists. */
    Mono<InstanceRow> insertLaunching(InstanceRow row, UUID replicaOf) {
        var spec = db.sql("""
                INSERT INTO instances (instance_id, client_id, agent_id, instance_type, role, status, request_id,
                                       request_fingerprint, metadata, launch_requested_at, replica_of)
                VALUES (:id, :client, :agent, :type, :role, 'launching', :request, :fingerprint,
                        CAST(:metadata AS jsonb), :requested, :replicaOf)
                ON CONFLICT DO NOTHING
                RETURNING """ + " " + COLUMNS)
                .bind("id", row.instanceId())
                .bind("client", row.clientId())
                .bind("agent", row.agentId())
                .bind("type", row.instanceType())
                .bind("role", row.role())
                .bind("request", row.requestId())
                .bind("fingerprint", row.requestFingerprint())
                .bind("metadata", row.metadataJson() == null ? "{}" : row.metadataJson())
                .bind("requested", row.launchRequestedAt());
        spec = bind(spec, "replicaOf", replicaOf, UUID.class);
        return spec.map(InstanceRepository::map).one();
    }

    /** Writes every mutable column if the version still matches; empty when someone else got there first. */
    Mono<InstanceRow> updateIfVersion(InstanceRow row, Instant now) {
        var spec = db.sql("""
                UPDATE instances SET
                    status = :status, role = :role, failure_reason = :reason, ec2_instance_id = :ec2,
                    termination_request_id = :termRequest,
                    launch_confirmed_at = :launchConfirmed, launch_duration_seconds = :launchDuration,
                    termination_requested_at = :termRequested, termination_confirmed_at = :termConfirmed,
                    termination_duration_seconds = :termDuration,
                    instance_type = :type,
                    launch_queued_reason = :queuedReason, launch_call_at = :callAt,
                    launched_with = CAST(:launchedWith AS jsonb), skipped_alternatives = CAST(:skipped AS jsonb),
                    version = version + 1, updated_at = :now
                WHERE instance_id = :id AND version = :version
                RETURNING """ + " " + COLUMNS)
                .bind("status", row.status().value())
                .bind("role", row.role())
                .bind("type", row.instanceType())
                .bind("id", row.instanceId())
                .bind("version", row.version())
                .bind("now", now);
        spec = bind(spec, "reason", row.failureReason(), String.class);
        spec = bind(spec, "ec2", row.ec2InstanceId(), String.class);
        spec = bind(spec, "termRequest", row.terminationRequestId(), String.class);
        spec = bind(spec, "launchConfirmed", row.launchConfirmedAt(), Instant.class);
        spec = bind(spec, "launchDuration", row.launchDurationSeconds(), Double.class);
        spec = bind(spec, "termRequested", row.terminationRequestedAt(), Instant.class);
        spec = bind(spec, "termConfirmed", row.terminationConfirmedAt(), Instant.class);
        spec = bind(spec, "termDuration", row.terminationDurationSeconds(), Double.class);
        spec = bind(spec, "queuedReason", row.pacing().launchQueuedReason(), String.class);
        spec = bind(spec, "callAt", row.pacing().launchCallAt(), Instant.class);
        spec = bind(spec, "launchedWith", row.pacing().launchedWithJson(), String.class);
        spec = bind(spec, "skipped", row.pacing().skippedAlternativesJson(), String.class);
        return spec.map(InstanceRepository::map).one();
    }

    public static UUID parseUuid(String id) {
        if (id == null || id.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static InstanceRow map(Readable r) {
        return new InstanceRow(
                r.get("instance_id", UUID.class),
                r.get("client_id", String.class),
                r.get("agent_id", String.class),
                r.get("ec2_instance_id", String.class),
                r.get("instance_type", String.class),
                r.get("role", String.class),
                InstanceStatus.of(r.get("status", String.class)),
                r.get("failure_reason", String.class),
                r.get("request_id", String.class),
                r.get("request_fingerprint", String.class),
                r.get("termination_request_id", String.class),
                r.get("metadata", String.class),
                r.get("launch_requested_at", Instant.class),
                r.get("launch_confirmed_at", Instant.class),
                r.get("launch_duration_seconds", Double.class),
                r.get("termination_requested_at", Instant.class),
                r.get("termination_confirmed_at", Instant.class),
                r.get("termination_duration_seconds", Double.class),
                r.get("version", Long.class),
                r.get("created_at", Instant.class),
                r.get("updated_at", Instant.class),
                new LaunchPacing(r.get("launch_queued_reason", String.class), r.get("launch_call_at", Instant.class),
                        r.get("launched_with", String.class), r.get("skipped_alternatives", String.class)));
    }
}
