package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The demo client's side of the API, over real HTTP, for the end-to-end tests. */
final class E2eClient {

    static final String CLIENT_TOKEN = "demo-client-token";
    static final String AGENT = "demo-agent";
    static final Duration SETTLE = Duration.ofSeconds(30);

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_LIST =
            new ParameterizedTypeReference<>() { };

    private final WebTestClient http;

    E2eClient(LocalStack stack) {
        this(stack.http());
    }

    /** The same client on another replica (any API process on the same database). */
    E2eClient(WebTestClient http) {
        this.http = http;
    }

    /** POST a launch for demo-agent; expects 202 and answers the body. */
    Map<String, Object> launch(String requestId) {
        return http.post().uri("/api/client/instances/launch").headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent_id", AGENT, "instance_type", "t3.micro", "request_id", requestId))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    /** POST a launch for demo-agent with a body of the caller's; expects 202 and answers the body. */
    Map<String, Object> launch(Map<String, Object> body) {
        return http.post().uri("/api/client/instances/launch").headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    /** POST a launch and answer its stable instance id. */
    String launchId(String requestId) {
        Map<String, Object> accepted = launch(requestId);
        assertThat(accepted).containsEntry("status", "launching");
        return (String) accepted.get("instance_id");
    }

    /** POST terminate (stable or EC2 id); expects 200 or 202 and answers the body. */
    Map<String, Object> terminate(String anyId) {
        return http.post().uri("/api/client/instances/{id}/terminate", anyId).headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .exchange().expectStatus().is2xxSuccessful().expectBody(JSON).returnResult().getResponseBody();
    }

    Map<String, Object> get(String anyId) {
        return http.get().uri("/api/client/instances/{id}", anyId).headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list() {
        Map<String, Object> body = http.get().uri("/api/client/instances").headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return (List<Map<String, Object>>) body.get("instances");
    }

    List<Map<String, Object>> history(String anyId) {
        return http.get().uri("/api/client/instances/{id}/events", anyId).headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .exchange().expectStatus().isOk().expectBody(JSON_LIST).returnResult().getResponseBody();
    }

    List<String> historyTypes(String anyId) {
        return history(anyId).stream().map(e -> (String) e.get("type")).toList();
    }

    /**
     * The instance's state changes, oldest first: its history without the launch's progress reports (queued for the
     * agent's EC2 turn, call made), which a paced agent adds only when it had to wait.
     */
    List<String> transitionTypes(String anyId) {
        return historyTypes(anyId).stream()
                .filter(type -> !type.equals("INSTANCE_LAUNCH_QUEUED") && !type.equals("INSTANCE_LAUNCH_CALL_MADE"))
                .toList();
    }

    /** Waits until the instance is in one of {@code statuses}; answers the row. */
    Map<String, Object> awaitStatus(String anyId, Duration atMost, String... statuses) {
        List<String> wanted = Arrays.asList(statuses);
        return Awaitility.await("instance " + anyId + " in " + wanted).atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get(anyId), row -> wanted.contains((String) row.get("status")));
    }

    Map<String, Object> awaitStatus(String anyId, String... statuses) {
        return awaitStatus(anyId, SETTLE, statuses);
    }

    /** Runs {@code n} calls at once, each on its own thread; answers their results in order. */
    static <T> List<T> concurrently(int n, IntFunction<T> call) {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<T>> futures = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> call.apply(i), threads)).toList();
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdownNow();
        }
    }
}
