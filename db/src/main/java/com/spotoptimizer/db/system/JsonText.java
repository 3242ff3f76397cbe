package com.spotoptimizer.db.system;

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

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(String json) {
        return json == null ? Map.of() : MAPPER.readValue(json, Map.class);
    }
}
