package com.spotoptimizer.ec2sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of one EC2 Query request. EC2 flattens lists and structures into dotted, 1-based
 * names ({@code Filter.2.Value.1}); {@link #list} and {@link #members} fold them back.
 */
final class QueryRequest {

    private final Map<String, String> params;

    QueryRequest(Map<String, String> params) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Parses {@code application/x-www-form-urlencoded} text (a POST body or a GET query string). */
    static QueryRequest parseForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form != null && !form.isEmpty()) {
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(decode(key), decode(value));
            }
        }
        return new QueryRequest(params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    Map<String, String> asMap() {
        return params;
    }

    String action() {
        return params.get("Action");
    }

    String get(String name) {
        String value = params.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String require(String name) {
        String value = get(name);
        if (value == null) {
            throw Ec2Error.missing(name);
        }
        return value;
    }

    Integer integer(String name) {
        String value = get(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw Ec2Error.invalidValue("Value (" + value + ") for parameter " + name + " is invalid.");
        }
    }

    /** Values of {@code prefix.1}, {@code prefix.2}, … in index order. */
    List<String> list(String prefix) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        String dotted = prefix + ".";
        params.forEach((key, value) -> {
            if (key.startsWith(dotted)) {
                Integer index = index(key.substring(dotted.length()));
                if (index != null) {
                    byIndex.put(index, value);
                }
            }
        });
        return List.copyOf(byIndex.values());
    }

    /** The structures {@code prefix.N.*}, each as a request holding the names after {@code prefix.N.}. */
    List<QueryRequest> members(String prefix) {
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        String dotted = prefix + ".";
        params.forEach((key, value) -> {
            if (!key.startsWith(dotted)) {
                return;
            }
            String rest = key.substring(dotted.length());
            int dot = rest.indexOf('.');
            Integer index = dot < 0 ? null : index(rest.substring(0, dot));
            if (index != null) {
                byIndex.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(rest.substring(dot + 1), value);
            }
        });
        List<QueryRequest> members = new ArrayList<>();
        byIndex.values().forEach(m -> members.add(new QueryRequest(m)));
        return members;
    }

    private static Integer index(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.valueOf(s);
    }

    /**
     * What RunInstances idempotency compares: every parameter except the protocol envelope and the token
     * itself, order-insensitive, the way EC2 rejects a reused token with different arguments.
     */
    Map<String, String> fingerprint() {
        Map<String, String> sorted = new TreeMap<>(params);
        sorted.remove("Action");
        sorted.remove("Version");
        sorted.remove("ClientToken");
        sorted.remove("DryRun");
        return Map.copyOf(sorted);
    }
}
