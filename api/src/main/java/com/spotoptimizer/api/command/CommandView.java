package com.spotoptimizer.api.command;

import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.system.JsonText;
import java.time.Instant;
import java.util.Map;

/**
 * A command as the client sees it. {@code outcome} is a move's recorded outcome ({@code outcome}
 * {@code succeeded|failed}, {@code reason}, {@code new_instance_id}), null until it has one.
 */
public record CommandView(String commandId, String agentId, String commandType, int priority, String requestId,
                          String instanceId, String status, Map<String, Object> metadata, Map<String, Object> outcome,
                          Instant createdAt) {

    static CommandView of(CommandRow c, String outcomeJson) {
        return new CommandView(c.commandId(), c.agentId(), c.commandType(), c.priority(), c.requestId(),
                c.instanceId() == null ? null : c.instanceId().toString(), c.status(), JsonText.toMap(c.metadataJson()),
                outcomeJson == null ? null : JsonText.toMap(outcomeJson), c.createdAt());
    }
}
