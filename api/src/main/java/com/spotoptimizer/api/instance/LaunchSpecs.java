package com.spotoptimizer.api.instance;

import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the free-form launch {@code metadata}: its EC2 keys must have the right types, other keys
 * travel with the command untouched.
 */
public final class LaunchSpecs {

    private static final Set<String> MARKETS = Set.of("spot", "on-demand");
    private static final int MAX_TAGS = 40;

    private LaunchSpecs() {
    }

    public static LaunchSpec from(Map<String, Object> metadata) {
        if (metadata == null) {
            return LaunchSpec.empty();
        }
        String imageId = text(metadata, "image_id", 128);
        String subnetId = text(metadata, "subnet_id", 128);
        String market = text(metadata, "market", 16);
        if (market != null && !MARKETS.contains(market)) {
            throw Problems.invalid("metadata.market", "metadata.market must be spot or on-demand");
        }
        return new LaunchSpec(imageId, subnetId, market, tags(metadata.get("tags")));
    }

    private static String text(Map<String, Object> metadata, String key, int maxLength) {
        Object value = metadata.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > maxLength) {
            throw Problems.invalid("metadata." + key, "metadata." + key + " must be a non-empty string of at most "
                    + maxLength + " characters");
        }
        return s;
    }

    private static Map<String, String> tags(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> raw) || raw.size() > MAX_TAGS) {
            throw Problems.invalid("metadata.tags", "metadata.tags must be an object of at most " + MAX_TAGS + " string tags");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (!(v instanceof String s) || key.isEmpty() || key.length() > 128 || s.length() > 256) {
                throw Problems.invalid("metadata.tags", "tag " + key + " must have a key of 1-128 and a string value of at most 256 characters");
            }
            if (key.startsWith("aws:") || key.startsWith(OwnershipTags.MANAGED_BY.substring(0, OwnershipTags.MANAGED_BY.indexOf(':') + 1))) {
                throw Problems.invalid("metadata.tags", "tag keys starting with aws: or spot-optimizer: are reserved");
            }
            tags.put(key, s);
        });
        return tags;
    }
}
