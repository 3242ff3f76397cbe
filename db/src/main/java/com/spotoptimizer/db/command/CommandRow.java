package com.spotoptimizer.db.command;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code commands}. */
public record CommandRow(
        String commandId,
        String agentId,
        String clientId,
        UUID instanceId,
        String commandType,
        int priority,
        String requestId,
        String metadataJson,
        String status,
        int attempts,
        Instant leaseExpiresAt,
        Instant createdAt) {
}
