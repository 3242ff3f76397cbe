package com.spotoptimizer.db.account;

import java.time.Instant;

/** One row of {@code agents}. {@code transport} is TEMPORAL or HTTP. */
public record AgentRow(String agentId, String clientId, String name, String transport, String status, Instant lastHeartbeatAt) {
}
