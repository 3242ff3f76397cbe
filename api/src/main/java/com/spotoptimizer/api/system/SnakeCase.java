package com.spotoptimizer.api.system;

/** Field names as the client wrote them: the JSON is snake_case, the records are camelCase. */
final class SnakeCase {

    private SnakeCase() {
    }

    static String of(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
