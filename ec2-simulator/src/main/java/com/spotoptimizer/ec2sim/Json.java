package com.spotoptimizer.ec2sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin endpoint's JSON, with Jackson 2: maps, lists and scalars out (instants as ISO-8601 strings),
 * one flat object in. Jackson 2 rather than Boot's Jackson 3 because the Temporal SDK brings it to every
 * host of the simulator anyway; no java.time module is needed for the one type written as a string.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("ec2sim").addSerializer(Instant.class, ToStringSerializer.instance));

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not writable as JSON: " + value.getClass().getName(), e);
        }
    }

    /**
     * Reads {@code {"key": scalar, …}}; scalars come back as their JSON text (strings unquoted), null as null.
     *
     * @throws IllegalArgumentException not JSON, not an object, or a value that is an object or an array
     */
    static Map<String, String> readFlatObject(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isContainerNode()) {
                throw new IllegalArgumentException("only flat objects with scalar values are accepted");
            }
            out.put(field.getKey(), value.isNull() ? null : value.asText());
        }
        return out;
    }
}
