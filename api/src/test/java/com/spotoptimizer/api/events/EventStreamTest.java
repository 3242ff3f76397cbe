package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.presence.AgentOfflineSweeper;
import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import com.spotoptimizer.db.instance.InstanceTransitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The event stream as clients and agents use it: every event type live, replay, isolation, tickets, heartbeats. */
@TestPropertySource(properties = {"spot.events.heartbeat-interval=200ms", "spot.events.agent-sweep-interval=1h"})
class EventStreamTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    InstanceTransitions transitions;
    @Autowired
    EventAppender appender;
    @Autowired
    TransactionalOperator tx;
    @Autowired
    AgentOfflineSweeper sweeper;
    @Autowired
    EventRetentionJob retention;
    @Autowired
    EventHub hub;
    @Autowired
    ServerCodecConfigurer codecs;

    @Test
    void everyEventTypeArrivesLiveFromTheListPositionAndReplaysIdentically() {
        long listed = lastEventIdOfList(ACME_TOKEN);
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        try (SseRecorder live = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme?last_event_id=" + listed)) {
            // Agent comes online.
            post(ACME_AGENT_TOKEN, "/api/agents/acme-http/heartbeat", null).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("online").jsonPath("$.status_changed").isEqualTo(true);
            post(ACME_AGENT_TOKEN, "/api/agents/acme-http/heartbeat", null).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status_changed").isEqualTo(false);

            // Launch → running.
            String instanceId = launch("acme-http", "events-all-1");
            agent.poll();
            agent.confirmLaunched(instanceId, "i-0aaaaaaaaaaaaaaa1").expectStatus().isOk();

            // A spot interruption notice for it, resolved to the stable id.
            post(ACME_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                    "ec2_instance_id", "i-0aaaaaaaaaaaaaaa1", "action_time", "2030-01-01T00:02:00Z"))
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.instance_id").isEqualTo(instanceId);

            // A switch command and its result.
            post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http", "command_type", "MANUAL_SWITCH",
                    "request_id", "events-switch-1")).exchange().expectStatus().isAccepted();
            String commandId = (String) agent.poll().stream().filter(c -> "MANUAL_SWITCH".equals(c.get("command_type")))
                    .findFirst().orElseThrow().get("command_id");
            post(ACME_AGENT_TOKEN, "/api/agents/acme-http/commands/{id}/result", Map.of("success", true, "message", "switched"),
                    commandId).exchange().expectStatus().isOk();

            // Terminate → terminated.
            post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId).exchange().expectStatus().isAccepted();
            agent.poll();
            agent.confirmTerminated(instanceId, "i-0aaaaaaaaaaaaaaa1").expectStatus().isOk();

            // The failure events, written by the lifecycle's own transitions.
            UUID failed = UUID.fromString(launch("acme-http-2", "events-fail-1"));
            transitions.launchFailed(failed, "InsufficientInstanceCapacity").block();
            UUID timedOut = UUID.fromString(launch("acme-http-2", "events-fail-2"));
            transitions.launchTimedOut(timedOut, "not confirmed within 5 minutes").block();
            UUID termFailed = runningThenTerminating("events-fail-3", "i-0bbbbbbbbbbbbbbb3");
            transitions.terminationFailed(termFailed, "UnauthorizedOperation").block();
            UUID termTimedOut = runningThenTerminating("events-fail-4", "i-0bbbbbbbbbbbbbbb4");
            transitions.terminationTimedOut(termTimedOut, "not confirmed within 3 minutes").block();

            // The agent stops heartbeating: the sweep takes it offline.
            count("UPDATE agents SET last_heartbeat_at = now() - interval '10 minutes' WHERE agent_id = 'acme-http' RETURNING 1");
            assertThat(sweeper.sweepNow().block()).isEqualTo(1);
            assertThat(sweeper.sweepNow().block()).as("already offline: nothing more to announce").isZero();

            long last = count("SELECT last_event_id FROM clients WHERE client_id = 'acme'");
            live.awaitEvent(f -> f.id() != null && f.id() == last, WAIT);
            List<SseRecorder.Received> events = live.events();
            assertThat(events).extracting(SseRecorder.Received::id)
                    .as("every event after the list position, in order, none twice")
                    .containsExactlyElementsOf(range(listed + 1, last));
            assertThat(events).extracting(SseRecorder.Received::type).contains(
                    EventTypes.AGENT_STATUS_CHANGED, EventTypes.INSTANCE_LAUNCHING, EventTypes.INSTANCE_RUNNING,
                    EventTypes.EMERGENCY_EVENT, EventTypes.COMMAND_EXECUTED, EventTypes.INSTANCE_TERMINATING,
                    EventTypes.INSTANCE_TERMINATED, EventTypes.INSTANCE_LAUNCH_FAILED, EventTypes.INSTANCE_LAUNCH_TIMED_OUT,
                    EventTypes.INSTANCE_TERMINATION_FAILED, EventTypes.INSTANCE_TERMINATION_TIMED_OUT);
            for (SseRecorder.Received event : events) {
                assertThat(event.body()).containsEntry("type", event.type()).containsKeys("data", "timestamp");
                assertThat(Instant.parse((String) event.body().get("timestamp"))).isNotNull();
            }

            SseRecorder.Received online = first(events, EventTypes.AGENT_STATUS_CHANGED);
            assertThat(online.data()).containsEntry("agent_id", "acme-http").containsEntry("status", "online");
            SseRecorder.Received offline = events.stream().filter(e -> EventTypes.AGENT_STATUS_CHANGED.equals(e.type()))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(offline.data()).containsEntry("agent_id", "acme-http").containsEntry("status", "offline");

            SseRecorder.Received running = first(events, EventTypes.INSTANCE_RUNNING);
            assertThat(running.data()).containsEntry("instance_id", instanceId).containsEntry("ec2_instance_id", "i-0aaaaaaaaaaaaaaa1")
                    .containsEntry("agent_id", "acme-http").containsEntry("instance_type", "t3.micro")
                    .containsEntry("status", "running_primary").containsEntry("role", "primary")
                    .containsEntry("request_id", "events-all-1").containsKey("launch_duration_seconds");
            assertThat(first(events, EventTypes.INSTANCE_LAUNCHING).data()).containsEntry("ec2_instance_id", null);
            assertThat(first(events, EventTypes.INSTANCE_TERMINATED).data()).containsKey("termination_duration_seconds");
            assertThat(first(events, EventTypes.INSTANCE_LAUNCH_FAILED).data()).containsEntry("reason", "InsufficientInstanceCapacity");
            assertThat(first(events, EventTypes.INSTANCE_TERMINATION_TIMED_OUT).data())
                    .containsEntry("reason", "not confirmed within 3 minutes");
            assertThat(first(events, EventTypes.EMERGENCY_EVENT).data()).containsEntry("kind", "SPOT_INTERRUPTION")
                    .containsEntry("instance_id", instanceId).containsEntry("ec2_instance_id", "i-0aaaaaaaaaaaaaaa1")
                    .containsEntry("agent_id", "acme-http").containsEntry("action_time", "2030-01-01T00:02:00Z");
            assertThat(first(events, EventTypes.COMMAND_EXECUTED).data()).containsEntry("command_id", commandId)
                    .containsEntry("success", true);

            // A second subscriber resuming from the same point (header this time) gets the same sequence.
            try (SseRecorder replay = SseRecorder.open(port, "/api/events/stream/acme", h -> {
                h.setBearerAuth(ACME_TOKEN);
                h.set("Last-Event-ID", Long.toString(listed));
            })) {
                replay.awaitEvent(f -> f.id() != null && f.id() == last, WAIT);
                assertThat(replay.events()).extracting(SseRecorder.Received::id).containsExactlyElementsOf(range(listed + 1, last));
                assertThat(replay.events()).extracting(SseRecorder.Received::type)
                        .containsExactlyElementsOf(events.stream().map(SseRecorder.Received::type).toList());
                assertThat(replay.events()).extracting(SseRecorder.Received::body)
                        .containsExactlyElementsOf(events.stream().map(SseRecorder.Received::body).toList());
            }
        }
    }

    @Test
    void aStreamWithoutResumePointStartsAtTheCurrentPosition() {
        long before = lastEventIdOfList(ACME_TOKEN);
        try (SseRecorder stream = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme")) {
            awaitOpen("acme", 1);
            long id = append("acme", Map.of("probe", "now"));
            stream.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
            assertThat(stream.events()).allSatisfy(e -> assertThat(e.id()).isGreaterThan(before));
        }
    }

    @Test
    void aClientStreamsOnlyItsOwnEvents() {
        get(ACME_TOKEN, "/api/events/stream/rival").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        http.get().uri("/api/events/stream/acme").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get("not-a-token", "/api/events/stream/acme").exchange().expectStatus().isUnauthorized();
        get(ACME_AGENT_TOKEN, "/api/events/stream/acme").exchange().expectStatus().isForbidden();

        try (SseRecorder acme = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme");
             SseRecorder rival = SseRecorder.withToken(port, RIVAL_TOKEN, "/api/events/stream/rival")) {
            awaitOpen("acme", 1);
            awaitOpen("rival", 1);
            long acmeId = append("acme", Map.of("secret", "acme-only"));
            long rivalId = append("rival", Map.of("secret", "rival-only"));
            acme.awaitEvent(f -> f.id() != null && f.id() == acmeId, WAIT);
            rival.awaitEvent(f -> f.id() != null && f.id() == rivalId, WAIT);
            SseRecorder.sleep(300);
            assertThat(acme.events()).noneMatch(e -> "rival-only".equals(e.data().get("secret")));
            assertThat(rival.events()).noneMatch(e -> "acme-only".equals(e.data().get("secret")));
        }
    }

    @Test
    void ticketsOpenOneStreamOnceAndExpire() {
        Map<String, Object> issued = post(ACME_TOKEN, "/api/events/tickets", null).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        String ticket = (String) issued.get("ticket");
        assertThat(issued).containsEntry("client_id", "acme");
        Instant expires = Instant.parse((String) issued.get("expires_at"));
        assertThat(expires).isBetween(Instant.now().plusSeconds(30), Instant.now().plusSeconds(90));
        assertThat(count("SELECT count(*) FROM event_tickets WHERE ticket_sha256 = '\\x"
                + HexFormat.of().formatHex(AccountRepository.digest(ticket)) + "'")).as("stored as a digest").isEqualTo(1);

        long listed = lastEventIdOfList(ACME_TOKEN);
        try (SseRecorder stream = SseRecorder.open(port, "/api/events/stream/acme?ticket=" + ticket + "&last_event_id=" + listed,
                h -> { })) {
            long id = append("acme", Map.of("via", "ticket"));
            stream.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
        }
        http.get().uri("/api/events/stream/acme?ticket={t}", ticket).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isUnauthorized().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://spot-optimizer.dev/problems/invalid-ticket");

        String expiring = ticket(ACME_TOKEN);
        count("UPDATE event_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL RETURNING 1");
        http.get().uri("/api/events/stream/acme?ticket={t}", expiring).exchange().expectStatus().isUnauthorized();

        http.get().uri("/api/events/stream/acme?ticket=made-up").exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/events/stream/rival?ticket={t}", ticket(ACME_TOKEN)).exchange().expectStatus().isNotFound();
        post(ACME_AGENT_TOKEN, "/api/events/tickets", null).exchange().expectStatus().isForbidden();
        http.post().uri("/api/events/tickets").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void heartbeatsArriveAtTheConfiguredInterval() {
        try (SseRecorder stream = SseRecorder.withToken(port, RIVAL_TOKEN, "/api/events/stream/rival")) {
            SseRecorder.sleep(1_500);
            List<SseRecorder.Received> beats = stream.all().stream().filter(f -> EventTypes.HEARTBEAT.equals(f.type())).toList();
            assertThat(beats.size()).as("about 1500 ms / 200 ms").isBetween(4, 10);
            assertThat(beats).allSatisfy(b -> {
                assertThat(b.id()).as("a heartbeat never moves the resume point").isNull();
                assertThat(b.body()).containsEntry("type", "HEARTBEAT").containsKey("timestamp");
            });
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < beats.size(); i++) {
                gaps.add((beats.get(i).receivedNanos() - beats.get(i - 1).receivedNanos()) / 1_000_000);
            }
            gaps.sort(Long::compare);
            assertThat(gaps.get(gaps.size() / 2)).as("median gap in ms").isBetween(120L, 320L);
        }
    }

    @Test
    void resumingFromAPrunedPositionGetsResyncThenContinuesFromTheCurrentPosition() {
        Instant old = Instant.now().minus(Duration.ofDays(8));
        long firstOld = appendAt("rival", Map.of("age", "old"), old);
        for (int i = 0; i < 3; i++) {
            appendAt("rival", Map.of("age", "old"), old);
        }
        long lastOld = appendAt("rival", Map.of("age", "old"), old);
        long kept = append("rival", Map.of("age", "new"));
        assertThat(retention.pruneNow().block()).isGreaterThanOrEqualTo(5);
        assertThat(count("SELECT pruned_through_id FROM clients WHERE client_id = 'rival'")).isEqualTo(lastOld);
        assertThat(count("SELECT count(*) FROM events WHERE client_id = 'rival' AND event_id <= " + lastOld)).isZero();

        try (SseRecorder stale = SseRecorder.open(port, "/api/events/stream/rival", h -> {
            h.setBearerAuth(RIVAL_TOKEN);
            h.set("Last-Event-ID", Long.toString(firstOld));
        })) {
            SseRecorder.Received resync = stale.awaitType(EventTypes.RESYNC, WAIT);
            long current = count("SELECT last_event_id FROM clients WHERE client_id = 'rival'");
            assertThat(resync.id()).isEqualTo(current);
            assertThat(resync.data()).containsKey("reason").containsEntry("last_event_id", (int) current);
            long next = append("rival", Map.of("age", "after-resync"));
            stale.awaitEvent(f -> f.id() != null && f.id() == next, WAIT);
            assertThat(stale.ids()).containsExactly(current, next);
        }

        try (SseRecorder exact = SseRecorder.withToken(port, RIVAL_TOKEN, "/api/events/stream/rival?last_event_id=" + lastOld)) {
            exact.awaitEvent(f -> f.id() != null && f.id() == kept, WAIT);
            assertThat(exact.events().get(0).id()).as("nothing was lost after " + lastOld + ": no RESYNC").isEqualTo(kept);
        }

        try (SseRecorder ahead = SseRecorder.withToken(port, RIVAL_TOKEN, "/api/events/stream/rival?last_event_id=999999999")) {
            assertThat(ahead.awaitType(EventTypes.RESYNC, WAIT).data().get("reason").toString()).contains("ahead");
        }
        get(RIVAL_TOKEN, "/api/events/stream/rival?last_event_id=abc").exchange().expectStatus().isBadRequest();
    }

    @Test
    void agentEndpointsNeedTheAgentsOwnTokenAndEmergenciesAreAnnouncedOnce() {
        post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http/heartbeat", null).exchange().expectStatus().isNotFound();
        post(ACME_TOKEN, "/api/agents/acme-http/heartbeat", null).exchange().expectStatus().isForbidden();
        post(RIVAL_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                "ec2_instance_id", "i-0ccccccccccccccc1")).exchange().expectStatus().isNotFound();
        post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/emergency", Map.of("kind", "MELTDOWN",
                "ec2_instance_id", "i-0ccccccccccccccc1")).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.field").isEqualTo("kind");
        post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                "ec2_instance_id", "i-0ccccccccccccccc1", "action_time", "soon")).exchange().expectStatus().isBadRequest();

        // A notice is about one of the agent's own instances; one about any other EC2 id is refused.
        post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/emergency", Map.of("kind", "REBALANCE_RECOMMENDATION",
                "ec2_instance_id", "i-0ccccccccccccccc2")).exchange().expectStatus().isNotFound();
        String instanceId = (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http-2",
                "instance_type", "t3.micro", "request_id", "emergency-target")).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
        new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN).confirmLaunched(instanceId, "i-0ccccccccccccccc2")
                .expectStatus().isOk();

        Map<String, Object> notice = Map.of("kind", "REBALANCE_RECOMMENDATION", "ec2_instance_id", "i-0ccccccccccccccc2");
        Map<String, Object> first = post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/emergency", notice).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(first).containsEntry("recorded", true).containsEntry("instance_id", instanceId);
        Map<String, Object> again = post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/emergency", notice).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(again).containsEntry("recorded", false).containsEntry("event_id", first.get("event_id"));
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'EMERGENCY_EVENT'"
                + " AND data->>'ec2_instance_id' = 'i-0ccccccccccccccc2'")).isEqualTo(1);
    }

    @Test
    void statsAndMetricsCountConnectionsPublishedAndDelivered() {
        try (SseRecorder one = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme");
             SseRecorder two = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme")) {
            awaitOpen("acme", 2);
            long id = append("acme", Map.of("for", "stats"));
            one.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
            two.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
            Map<String, Object> stats = get(ACME_TOKEN, "/api/events/stats").exchange().expectStatus().isOk()
                    .expectBody(JSON).returnResult().getResponseBody();
            assertThat(stats).containsEntry("client_id", "acme").containsEntry("open_connections", 2);
            assertThat(((Number) stats.get("last_event_id")).longValue()).isGreaterThanOrEqualTo(id);
            @SuppressWarnings("unchecked")
            Map<String, Object> replica = (Map<String, Object>) stats.get("replica");
            assertThat(((Number) replica.get("open_connections")).intValue()).isGreaterThanOrEqualTo(2);
            assertThat(replica).containsEntry("max_connections", 20000).containsKeys("cutoffs_slow", "cutoffs_capacity");
            assertThat(((Number) replica.get("events_published")).longValue()).isGreaterThanOrEqualTo(1);
            assertThat(((Number) replica.get("events_delivered")).longValue()).isGreaterThanOrEqualTo(2);
            get(RIVAL_TOKEN, "/api/events/stats").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.client_id").isEqualTo("rival");

            String scrape = http.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build()
                    .get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(scrape).contains("spot_sse_connections{", "spot_events_published_total{",
                    "type=\"COMMAND_EXECUTED\"", "spot_events_delivered_total{", "spot_sse_cutoffs_total{",
                    "reason=\"slow\"", "reason=\"capacity\"", "spot_event_delivery_lag_seconds_bucket{",
                    "le=\"0.01\"", "le=\"2.5\"", "le=\"10.0\"");
        }
    }

    @Test
    void eventStreamsAreWrittenByTheOneBufferPerFrameWriter() {
        ResolvableType type = ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class);
        assertThat(codecs.getWriters().stream().filter(w -> w.canWrite(type, MediaType.TEXT_EVENT_STREAM)).findFirst())
                .containsInstanceOf(SseFrameWriter.class);
    }

    @Test
    void servesTheFleetPageAndAnswersUnknownApiPathsWithProblems() {
        http.get().uri("/").accept(MediaType.TEXT_HTML).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(body -> assertThat(body).containsIgnoringCase("<html"));
        http.get().uri("/index.html").exchange().expectStatus().isOk();
        http.get().uri("/favicon.svg").exchange().expectStatus().isOk();
        get(ACME_TOKEN, "/api/no-such-thing").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(ACME_TOKEN, "/api/events/no-such-thing").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    // --- helpers ---

    private long lastEventIdOfList(String token) {
        Map<String, Object> list = get(token, "/api/client/instances").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        return ((Number) list.get("last_event_id")).longValue();
    }

    private String launch(String agentId, String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    private UUID runningThenTerminating(String requestId, String ec2Id) {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String id = launch("acme-http-2", requestId);
        agent.poll();
        agent.confirmLaunched(id, ec2Id).expectStatus().isOk();
        post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, id).exchange().expectStatus().isAccepted();
        return UUID.fromString(id);
    }

    private String ticket(String token) {
        return (String) post(token, "/api/events/tickets", null).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("ticket");
    }

    private long append(String clientId, Map<String, Object> data) {
        return appendAt(clientId, data, Instant.now());
    }

    private long appendAt(String clientId, Map<String, Object> data, Instant at) {
        return tx.transactional(appender.append(clientId, EventTypes.COMMAND_EXECUTED, null, data, at)).block().eventId();
    }

    private void awaitOpen(String clientId, int streams) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hub.openConnections(clientId) < streams) {
            assertThat(System.nanoTime()).as("streams open for " + clientId).isLessThan(deadline);
            SseRecorder.sleep(10);
        }
    }

    private static SseRecorder.Received first(List<SseRecorder.Received> events, String type) {
        return events.stream().filter(e -> type.equals(e.type())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type));
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }
}
