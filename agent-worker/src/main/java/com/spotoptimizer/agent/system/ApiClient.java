package com.spotoptimizer.agent.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The agent's HTTP calls to the api ({@code spot.agent.api}): a JSON POST to {@code /api/agents/<agentId>/<path>}
 * with the agent's bearer token. One JDK client, shared by the heartbeat and the interruption reports.
 */
public final class ApiClient {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the api answered. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status / 100 == 2;
        }

        /** Worth asking again later: the api was busy or failing, not refusing this request. */
        public boolean retryable() {
            return status == 408 || status == 429 || status / 100 == 5;
        }
    }

    /** Jackson 2: the Temporal SDK brings it to the agent anyway (Boot's Jackson 3 is there only for actuator). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String agentId;
    private final String token;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public ApiClient(String agentId, AgentProperties.Api api) {
        if (!api.enabled()) {
            throw new IllegalArgumentException("spot.agent.api.url and spot.agent.api.token are required");
        }
        this.agentId = agentId;
        this.token = api.token();
        String url = api.url();
        this.base = (url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                + "/api/agents/" + URLEncoder.encode(agentId, StandardCharsets.UTF_8) + "/";
    }

    public String agentId() {
        return agentId;
    }

    /** {@code <url>/api/agents/<agentId>/<path>}. */
    public URI agentUri(String path) {
        return URI.create(base + path);
    }

    /** POSTs {@code body} as a JSON object (Jackson, keys in the map's order) to {@link #agentUri(String)}. */
    public Response post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        return postJson(path, JSON.writeValueAsString(body));
    }

    /** A field of a JSON answer as text, or null when it is missing or the answer is not JSON (for logs). */
    public static String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            JsonNode value = node == null ? null : node.get(name);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** POSTs {@code json} to {@link #agentUri(String)}; a refusal is a response, only no answer at all throws. */
    public Response postJson(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(agentUri(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
