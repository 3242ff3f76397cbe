package com.spotoptimizer.api.command;

import com.spotoptimizer.api.move.MoveInputs.Target;
import com.spotoptimizer.api.system.Problems;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a switch's or maintenance's metadata: {@code instance_id}, {@code target} {instance_type, subnet_id,
 * market} and {@code not_before}, each with its type checked (a 400 naming the field otherwise).
 */
public final class MoveRequests {

    private static final Set<String> MARKETS = Set.of("spot", "on-demand");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("^[a-z0-9-]+\\.[a-z0-9]+$");
    private static final Set<String> TARGET_KEYS = Set.of("instance_type", "subnet_id", "market");

    private MoveRequests() {
    }

    /** The instance the move replaces: {@code metadata.instance_id} or the body's {@code instance_id}; null if none. */
    static String instanceRef(QueueCommandRequest request, Map<String, Object> metadata) {
        Object inMetadata = metadata.get("instance_id");
        if (inMetadata != null && !(inMetadata instanceof String)) {
            throw Problems.invalid("metadata.instance_id", "metadata.instance_id must be a string");
        }
        String fromMetadata = (String) inMetadata;
        if (fromMetadata != null && request.instanceId() != null && !fromMetadata.equals(request.instanceId())) {
            throw Problems.invalid("instance_id", "instance_id and metadata.instance_id name different instances");
        }
        return fromMetadata != null ? fromMetadata : request.instanceId();
    }

    public static Target target(Map<String, Object> metadata) {
        Object raw = metadata.get("target");
        if (raw == null) {
            return new Target(null, null, null);
        }
        if (!(raw instanceof Map<?, ?> target)) {
            throw Problems.invalid("metadata.target", "metadata.target must be an object");
        }
        for (Object key : target.keySet()) {
            if (!TARGET_KEYS.contains(String.valueOf(key))) {
                throw Problems.invalid("metadata.target." + key, "metadata.target may carry instance_type, subnet_id, market");
            }
        }
        String type = text(target, "instance_type", 64);
        if (type != null && !INSTANCE_TYPE.matcher(type).matches()) {
            throw Problems.invalid("metadata.target.instance_type", "metadata.target.instance_type must look like m5.large");
        }
        String market = text(target, "market", 16);
        if (market != null && !MARKETS.contains(market)) {
            throw Problems.invalid("metadata.target.market", "metadata.target.market must be spot or on-demand");
        }
        return new Target(type, text(target, "subnet_id", 128), market);
    }

    /** {@code metadata.not_before}: an ISO-8601 instant (e.g. 2030-01-01T02:00:00Z), or null. */
    public static Instant notBefore(Map<String, Object> metadata) {
        Object raw = metadata.get("not_before");
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String text)) {
            throw Problems.invalid("metadata.not_before", "metadata.not_before must be an ISO-8601 timestamp");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Problems.invalid("metadata.not_before",
                    "metadata.not_before must be an ISO-8601 UTC timestamp such as 2030-01-01T02:00:00Z");
        }
    }

    private static String text(Map<?, ?> map, String key, int maxLength) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > maxLength) {
            throw Problems.invalid("metadata.target." + key, "metadata.target." + key
                    + " must be a non-empty string of at most " + maxLength + " characters");
        }
        return s;
    }
}
