package com.spotoptimizer.local.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client's stream replayed from the beginning and folded into a table: what a UI that saw nothing but the
 * stream would show. It must equal the list the API answers.
 */
final class StreamReplay {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() { };
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One instance as the stream tells it: its status and EC2 id after its last event. */
    record Seen(String status, String ec2InstanceId) {
    }

    private StreamReplay() {
    }

    /** Every event of the client from id 0 through {@code through}, folded by instance id. */
    @SuppressWarnings("unchecked")
    static Map<String, Seen> fold(String apiBase, String clientId, String token, long through) {
        Map<String, Seen> table = new LinkedHashMap<>();
        if (through == 0) {
            return table;
        }
        List<ServerSentEvent<String>> frames = WebClient.builder().baseUrl(apiBase)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(1 << 20)).build()
                .get().uri("/api/events/stream/{client}?last_event_id=0", clientId)
                .headers(h -> h.setBearerAuth(token))
                .retrieve().bodyToFlux(SSE)
                .filter(frame -> frame.id() != null)
                .takeUntil(frame -> Long.parseLong(frame.id()) >= through)
                .collectList()
                .block(Duration.ofMinutes(2));
        long previous = 0;
        for (ServerSentEvent<String> frame : frames) {
            long id = Long.parseLong(frame.id());
            if (id <= previous) {
                throw new IllegalStateException("stream of " + clientId + " went from " + previous + " to " + id);
            }
            previous = id;
            Map<String, Object> event = JSON.readValue(frame.data(), Map.class);
            Map<String, Object> data = (Map<String, Object>) event.get("data");
            String type = (String) event.get("type");
            if (type != null && type.startsWith("INSTANCE_") && data != null && data.get("instance_id") != null) {
                table.put((String) data.get("instance_id"),
                        new Seen((String) data.get("status"), (String) data.get("ec2_instance_id")));
            }
        }
        return table;
    }
}
