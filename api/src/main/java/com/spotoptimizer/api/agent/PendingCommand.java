package com.spotoptimizer.api.agent;

import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.system.JsonText;
import java.time.Instant;
import java.util.Map;

/** One entry of {@code GET /api/agents/{agent_id}/pending-commands}. */
public record PendingCommand(
        String commandId,
        String commandType,
        String requestId,
        int priority,
        String instanceId,
        Map<String, Object> metadata,
        Instant createdAt,
        int attempts,
        Instant leaseExpiresAt) {

    static PendingCommand of(CommandRow row) {
        return new PendingCommand(row.commandId(), row.commandType(), row.requestId(), row.priority(),
                row.instanceId() == null ? null : row.instanceId().toString(), JsonText.toMap(row.metadataJson()),
                row.createdAt(), row.attempts(), row.leaseExpiresAt());
    }
}
