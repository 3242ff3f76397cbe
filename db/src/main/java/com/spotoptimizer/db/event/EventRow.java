package com.spotoptimizer.db.event;

import java.time.Instant;
import java.util.UUID;

/** One row of the outbox. {@code eventId} is the client's sequence number (the SSE {@code id:}). */
public record EventRow(String clientId, long eventId, String eventType, UUID instanceId, String dataJson, Instant occurredAt) {
}
