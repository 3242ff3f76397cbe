package com.spotoptimizer.ec2sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesMapsListsScalarsAndInstantsAsIsoStrings() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", "i-1 \"quoted\"\n");
        value.put("n", 3);
        value.put("ok", true);
        value.put("at", Instant.parse("2030-01-01T00:00:02Z"));
        value.put("none", null);
        value.put("list", List.of(1, "two"));

        assertThat(Json.write(value)).isEqualTo("{\"id\":\"i-1 \\\"quoted\\\"\\n\",\"n\":3,\"ok\":true,"
                + "\"at\":\"2030-01-01T00:00:02Z\",\"none\":null,\"list\":[1,\"two\"]}");
    }

    @Test
    void readsOneFlatObjectOfScalarsAsText() {
        assertThat(Json.readFlatObject("{\"instanceId\": \"i-1\", \"noticeMs\": 30000, \"p\": 0.5, \"x\": null}"))
                .containsExactlyEntriesOf(mapOf("instanceId", "i-1", "noticeMs", "30000", "p", "0.5", "x", null));
        assertThat(Json.readFlatObject("{}")).isEmpty();
    }

    @Test
    void rejectsWhatIsNotOneFlatObject() {
        for (String bad : Arrays.asList("{\"a\": {\"b\": 1}}", "{\"a\": [1]}", "[1]", "{\"a\": ", "\"s\"")) {
            assertThatThrownBy(() -> Json.readFlatObject(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Map<String, String> mapOf(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
