package com.spotoptimizer.db.instance;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Aggregates for the fleet gauges: no per-instance series, one query each. */
@Repository
public class FleetStatsRepository {

    private final DatabaseClient db;

    public FleetStatsRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Map<String, Long>> countByStatus() {
        return db.sql("SELECT status, count(*) AS n FROM instances GROUP BY status")
                .map(r -> Map.entry(r.get("status", String.class), r.get("n", Long.class))).all()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** When the oldest launch still in flight was requested; empty when none is. */
    public Mono<Instant> oldestLaunching() {
        return db.sql("SELECT min(launch_requested_at) AS t FROM instances WHERE status = 'launching'")
                .map(r -> java.util.Optional.ofNullable(r.get("t", Instant.class))).one()
                .flatMap(Mono::justOrEmpty);
    }

    /** When the oldest termination still in flight was requested; empty when none is. */
    public Mono<Instant> oldestTerminating() {
        return db.sql("SELECT min(termination_requested_at) AS t FROM instances WHERE status = 'terminating'")
                .map(r -> java.util.Optional.ofNullable(r.get("t", Instant.class))).one()
                .flatMap(Mono::justOrEmpty);
    }

    public Mono<Map<String, Long>> agentsByStatus() {
        return db.sql("SELECT status, count(*) AS n FROM agents GROUP BY status")
                .map(r -> Map.entry(r.get("status", String.class), r.get("n", Long.class))).all()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
