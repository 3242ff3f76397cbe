package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The direct connect path of the stream (plain bearer-token requests admitted without the WebFlux
 * chain): the same answer as the WebFlux path, the token cache's revocation bound, and everything it
 * does not accept still answered by WebFlux with problem documents.
 */
@TestPropertySource(properties = "spot.events.token-cache-ttl=2s")
class EventStreamConnectTest extends ApiTestBase {

    private static final Duration TTL = Duration.ofSeconds(2);
    private final HttpClient client = HttpClient.newHttpClient();

    @Autowired
    EventStreamHandoff handoff;
    @Autowired
    AccountRepository accounts;
    @Autowired
    EventAppender appender;
    @Autowired
    TransactionalOperator tx;

    /** Opens a stream with these headers; the caller closes the body. */
    private HttpResponse<InputStream> open(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static Map<String, List<String>> headersOf(HttpResponse<?> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), values));
        return headers;
    }

    private static String firstLine(InputStream body) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = body.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void aDirectConnectAnswersExactlyAsTheWebFluxPath() throws Exception {
        long direct = handoff.connect().accepted();
        HttpResponse<InputStream> viaDirect = open("/api/events/stream/acme", "Authorization", "Bearer " + ACME_TOKEN,
                "Accept", "text/event-stream");
        assertThat(handoff.connect().accepted()).as("taken by the direct path").isEqualTo(direct + 1);
        // A q-value is not "plain": this one goes through WebFlux (Spring Security, the controller).
        HttpResponse<InputStream> viaWebFlux = open("/api/events/stream/acme", "Authorization", "Bearer " + ACME_TOKEN,
                "Accept", "text/event-stream;q=0.9");
        assertThat(handoff.connect().accepted()).as("not taken by the direct path").isEqualTo(direct + 1);
        try (InputStream a = viaDirect.body(); InputStream b = viaWebFlux.body()) {
            assertThat(viaDirect.statusCode()).isEqualTo(200);
            assertThat(viaWebFlux.statusCode()).isEqualTo(200);
            assertThat(headersOf(viaDirect)).isEqualTo(headersOf(viaWebFlux))
                    .containsEntry("content-type", List.of("text/event-stream;charset=UTF-8"));
            assertThat(firstLine(a)).isEqualTo(":stream open");
            assertThat(firstLine(b)).isEqualTo(":stream open");
        }
    }

    @Test
    void aRevokedTokenStopsOpeningStreamsWithinTheCacheTtl() throws Exception {
        String token = "connect-test-revocable-token";
        accounts.upsertToken(token, "CLIENT", "acme", null, "revocation test").block();
        HttpResponse<InputStream> first = open("/api/events/stream/acme", "Authorization", "Bearer " + token);
        first.body().close();
        assertThat(first.statusCode()).isEqualTo(200);

        count("UPDATE api_tokens SET revoked_at = now() WHERE description = 'revocation test' RETURNING 1");
        long revoked = System.nanoTime();
        get(token, "/api/client/instances").exchange().expectStatus().isUnauthorized(); // Other endpoints: at once.
        await().atMost(TTL.plusSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<InputStream> attempt = open("/api/events/stream/acme", "Authorization", "Bearer " + token);
            attempt.body().close();
            return attempt.statusCode() == 401;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThanOrEqualTo(TTL.plusSeconds(1));
        get(token, "/api/events/stream/acme").accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void whatTheDirectPathDoesNotAcceptIsAnsweredWithProblems() throws Exception {
        long direct = handoff.connect().accepted();
        get("not-a-token", "/api/events/stream/acme").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isUnauthorized().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get("not-a-token", "/api/events/stream/acme").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(ACME_AGENT_TOKEN, "/api/events/stream/acme").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isForbidden().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(ACME_TOKEN, "/api/events/stream/rival").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isNotFound().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(ACME_TOKEN, "/api/events/stream/acme?last_event_id=-1").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isBadRequest().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(ACME_TOKEN, "/api/events/stream/acme").header("Last-Event-ID", "12x").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isBadRequest();
        assertThat(handoff.connect().accepted()).as("none of them admitted directly").isEqualTo(direct);
    }

    @Test
    void streamsResumingFromOnePointTogetherEachGetEveryEventOnceInOrder() {
        long from = 0;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long id = tx.transactional(appender.append("acme", EventTypes.COMMAND_EXECUTED, null, Map.of("n", i),
                    java.time.Instant.now())).block().eventId();
            if (i == 0) {
                from = id - 1;
            }
            ids.add(id);
        }
        long resume = from;
        List<SseRecorder> streams = new ArrayList<>();
        try {
            // Replays of the same pages at the same time: shared reads, and each stream still gets all of them.
            for (int i = 0; i < 60; i++) {
                streams.add(SseRecorder.open(port, "/api/events/stream/acme", h -> {
                    h.setBearerAuth(ACME_TOKEN);
                    h.set("Last-Event-ID", Long.toString(resume));
                }));
            }
            long last = ids.get(ids.size() - 1);
            for (SseRecorder stream : streams) {
                await().atMost(Duration.ofSeconds(20)).until(() -> stream.events().stream()
                        .anyMatch(f -> f.id() != null && f.id() == last));
                assertThat(stream.events()).extracting(SseRecorder.Received::id).containsExactlyElementsOf(ids);
            }
        } finally {
            streams.forEach(SseRecorder::close);
        }
    }

    @Test
    void aBurstOfConnectsForOneClientIsAdmittedAndCountedOnce() throws Exception {
        int streams = 200;
        List<CompletableFuture<HttpResponse<InputStream>>> burst = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            burst.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events/stream/rival"))
                    .header("Authorization", "Bearer " + RIVAL_TOKEN).header("Last-Event-ID", "0").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<HttpResponse<InputStream>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<InputStream>> f : burst) {
            responses.add(f.join());
        }
        try {
            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            await().atMost(Duration.ofSeconds(15)).until(() -> handoff.connect() != null
                    && get(RIVAL_TOKEN, "/api/events/stats").exchange().expectBody(Map.class).returnResult()
                    .getResponseBody().get("open_connections").equals(streams));
            for (HttpResponse<InputStream> r : responses) {
                assertThat(new String(r.body().readNBytes(14), StandardCharsets.UTF_8)).isEqualTo(":stream open\n\n");
            }
        } finally {
            for (HttpResponse<InputStream> r : responses) {
                r.body().close();
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> get(RIVAL_TOKEN, "/api/events/stats").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("open_connections").equals(0));
    }
}
