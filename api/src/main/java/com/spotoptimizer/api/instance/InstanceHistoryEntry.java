package com.spotoptimizer.api.instance;

import java.time.Instant;
import java.util.Map;

/** One transition in an instance's history, from the event log. */
public record InstanceHistoryEntry(long eventId, String type, Instant timestamp, String status, String reason,
                                   Map<String, Object> data) {
}
