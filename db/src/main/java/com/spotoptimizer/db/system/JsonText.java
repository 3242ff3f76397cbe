package com.spotoptimizer.db.system;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** JSON text for jsonb columns. */
public final class JsonText {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonText() {
    }

    public static String of(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** A JSON array as a list (null stays null). */
    public static List<Object> toList(String json) {
        return json == null ? null : MAPPER.readValue(json, List.class);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(String json) {
        return json == null ? Map.of() : MAPPER.readValue(json, Map.class);
    }
}
