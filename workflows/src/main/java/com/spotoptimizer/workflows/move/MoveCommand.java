package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.system.Transport;
import java.time.Instant;

/**
 * The command row of a move (switch or maintenance), written by its workflow. {@code metadataJson} is what an
 * HTTP agent sees in pending-commands; {@code notBefore} (null: at once) when a scheduled one may start.
 */
public record MoveCommand(
        String commandId,
        String clientId,
        String agentId,
        Transport transport,
        String instanceId,
        String commandType,
        int priority,
        String requestId,
        String metadataJson,
        Instant requestedAt,
        Instant notBefore) {
}
