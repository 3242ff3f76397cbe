package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import com.spotoptimizer.api.support.TestDatabases;
import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventReader;
import com.spotoptimizer.db.event.EventTypes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The stream's guarantees under stress: no loss, no duplicates, commit order, slow clients, broken LISTEN, replicas. */
@TestPropertySource(properties = {"spot.events.subscriber-queue=32", "spot.events.slow-subscriber-timeout=1s",
        "spot.events.max-connections=6", "spot.events.fetch-batch=100", "spot.events.poll-interval=1s"})
class EventStreamDurabilityTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    EventAppender appender;
    @Autowired
    TransactionalOperator tx;
    @Autowired
    EventHub hub;
    @Autowired
    EventMetrics metrics;
    @Autowired
    EventNotificationListener listener;

    @Test
    void reconnectingWithLastEventIdLosesAndDuplicatesNothingOverThousandsOfEvents() throws Exception {
        long start = position("acme");
        int total = 3000;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write("acme", total, 4, 0));
        long end = start + total;

        List<Long> received = new ArrayList<>();
        long resumeAfter = start;
        int connections = 0;
        while (resumeAfter < end) {
            connections++;
            long from = resumeAfter;
            // Alternate the two ways of resuming: the query parameter and the Last-Event-ID header.
            SseRecorder stream = connections % 2 == 1
                    ? SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme?last_event_id=" + from)
                    : SseRecorder.open(port, "/api/events/stream/acme", h -> {
                        h.setBearerAuth(ACME_TOKEN);
                        h.set("Last-Event-ID", Long.toString(from));
                    });
            long target = Math.min(end, from + 400 + (connections * 137) % 500);
            stream.awaitEvent(f -> f.id() != null && f.id() >= target, WAIT);
            stream.close();
            SseRecorder.sleep(20);
            List<Long> ids = stream.ids();
            assertThat(ids.get(0)).as("connection %d resumes right after %d", connections, from).isEqualTo(from + 1);
            received.addAll(ids);
            resumeAfter = ids.get(ids.size() - 1);
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(connections).isGreaterThanOrEqualTo(4);
        assertThat(received).as("every id once, in order, across %d connections", connections).containsExactlyElementsOf(range(start + 1, end));
    }

    @Test
    void transactionsThatCommitOutOfStartOrderAreBothDeliveredInCommitOrder() throws Exception {
        long start = position("acme");
        try (SseRecorder stream = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme?last_event_id=" + start);
             Connection early = jdbc(); Connection late = jdbc()) {
            // The early transaction starts first (it has an xid and a snapshot before the late one exists)...
            early.setAutoCommit(false);
            late.setAutoCommit(false);
            long earlyXid = single(early, "SELECT txid_current()");
            long lateXid = single(late, "SELECT txid_current()");
            assertThat(lateXid).isGreaterThan(earlyXid);
            // ...but the late one appends first and holds its transaction open.
            long lateId = appendJdbc(late, "late");
            // The early one's append now waits for the client's row lock.
            CompletableFuture<Long> earlyAppend = CompletableFuture.supplyAsync(() -> appendJdbc(early, "early"));
            awaitLockWait();
            assertThat(earlyAppend).as("blocked behind the uncommitted append").isNotDone();
            SseRecorder.sleep(300);
            assertThat(stream.events()).as("nothing uncommitted is streamed").isEmpty();

            late.commit();
            long earlyId = earlyAppend.get(10, TimeUnit.SECONDS);
            assertThat(earlyId).as("ids follow commit order, not start order").isEqualTo(lateId + 1);
            stream.awaitEvent(f -> f.id() != null && f.id() == lateId, WAIT);
            SseRecorder.sleep(1_500); // Past a poll: the early transaction is still open.
            assertThat(stream.ids()).containsExactly(lateId);

            early.commit();
            stream.awaitEvent(f -> f.id() != null && f.id() == earlyId, WAIT);
            assertThat(stream.ids()).containsExactly(lateId, earlyId);
            assertThat(stream.events()).extracting(e -> e.data().get("who")).containsExactly("late", "early");
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsCutOffWithinItsQueueAndResumesLosslessly() throws Exception {
        awaitNoStreams();
        long start = position("acme");
        long cutoffsBefore = metrics.cutoffCount(EventMetrics.SLOW);
        String padding = "x".repeat(8 * 1024);
        try (SlowSocketClient slow = new SlowSocketClient(port, "/api/events/stream/acme?last_event_id=" + start, ACME_TOKEN);
             SlowSocketClient stuck = new SlowSocketClient(port, "/api/events/stream/acme?last_event_id=" + start, ACME_TOKEN);
             SseRecorder healthy = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme?last_event_id=" + start)) {
            assertThat(slow.head()).startsWith("HTTP/1.1 200").contains("text/event-stream");
            long written = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (metrics.cutoffCount(EventMetrics.SLOW) < cutoffsBefore + 2) {
                assertThat(System.nanoTime()).as("both cut off before the deadline").isLessThan(deadline);
                write("acme", 50, 2, padding.length());
                written += 50;
                assertThat(hub.maxQueueDepth()).as("queue bound").isLessThanOrEqualTo(32);
            }
            long end = start + written;
            assertThat(hub.maxQueueDepth()).isLessThanOrEqualTo(32);
            healthy.awaitEvent(f -> f.id() != null && f.id() == end, WAIT);
            assertThat(healthy.ids()).as("the healthy subscriber never waited for the slow ones")
                    .containsExactlyElementsOf(range(start + 1, end));
            assertThat(healthy.isCompleted()).isFalse();

            // The slow client reads again: what it got before the cut-off, then the stream's end.
            slow.readToEnd(2_000);
            assertThat(slow.ended()).as("the slow stream completed").isTrue();
            long lastSeen = slow.lastId();
            assertThat(lastSeen).isLessThan(end);
            try (SseRecorder resumed = SseRecorder.open(port, "/api/events/stream/acme", h -> {
                h.setBearerAuth(ACME_TOKEN);
                h.set("Last-Event-ID", Long.toString(Math.max(lastSeen, start)));
            })) {
                resumed.awaitEvent(f -> f.id() != null && f.id() == end, WAIT);
                assertThat(resumed.ids()).containsExactlyElementsOf(range(Math.max(lastSeen, start) + 1, end));
            }
            // The stuck client never reads again: its connection is closed, not kept with its buffers.
            assertThat(stuck.closedByServerWithin(15_000)).as("stuck connection closed by the server").isTrue();
        }
    }

    @Test
    void eventsFlowingWhileTheListenConnectionIsKilledAreAllDelivered() throws Exception {
        long start = position("rival");
        long sessionsBefore = listener.sessions();
        int total = 600;
        try (SseRecorder stream = SseRecorder.withToken(port, RIVAL_TOKEN, "/api/events/stream/rival?last_event_id=" + start)) {
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < total; i++) {
                    append("rival", Map.of("seq", i));
                    SseRecorder.sleep(3);
                }
                done.set(true);
            });
            int kills = 0;
            while (!done.get() && kills < 3) {
                SseRecorder.sleep(400);
                if (count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                        + EventNotificationListener.APPLICATION_NAME + "' AND datname = current_database()") > 0) {
                    count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                            + EventNotificationListener.APPLICATION_NAME + "' AND datname = current_database()");
                    kills++;
                }
            }
            writer.get(60, TimeUnit.SECONDS);
            assertThat(kills).isEqualTo(3);
            stream.awaitEvent(f -> f.id() != null && f.id() == start + total, WAIT);
            assertThat(stream.ids()).containsExactlyElementsOf(range(start + 1, start + total));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(listener.isListening() && listener.sessions() >= sessionsBefore + 3)) {
            assertThat(System.nanoTime()).as("LISTEN re-established after each kill").isLessThan(deadline);
            SseRecorder.sleep(50);
        }
        assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                + EventNotificationListener.APPLICATION_NAME + "' AND datname = current_database()")).isEqualTo(1);
        // And NOTIFY works again (not just the polling backstop): a wake-up arrives for the next event.
        long notified = listener.notificationsReceived();
        append("rival", Map.of("seq", "after"));
        deadline = System.nanoTime() + WAIT.toNanos();
        while (listener.notificationsReceived() == notified) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            SseRecorder.sleep(10);
        }
    }

    @Test
    void anEventWrittenThroughOneReplicaReachesSubscribersOfAnother() throws Exception {
        // The emergency below is about an instance of the agent (notices about others are refused).
        String target = (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", "replica-emergency-target")).exchange()
                .expectStatus().isAccepted().expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody().get("instance_id");
        new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN)
                .confirmLaunched(target, "i-0ddddddddddddddd1").expectStatus().isOk();
        // Replica B: the stream components alone, on their own connections to the same database.
        ConnectionFactory pool = ConnectionFactories.get(ConnectionFactoryOptions.parse(
                TestDatabases.r2dbcUrl(database).replace("r2dbc:postgresql:", "r2dbc:pool:postgresql:")).mutate()
                .option(ConnectionFactoryOptions.USER, TestDatabases.USER).build());
        EventReader readerB = new EventReader(DatabaseClient.create(pool));
        // NOTIFY only: B's polling backstop is an hour away, so a delivery within seconds came by NOTIFY.
        EventHub hubB = new EventHub(readerB, EventsProperties.streams(Duration.ofSeconds(30), Duration.ofHours(1), 100, 256,
                Duration.ofSeconds(30)), new EventMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        EventNotificationListener listenerB = new EventNotificationListener(ConnectionFactoryOptions.parse(
                TestDatabases.r2dbcUrl(database)).mutate().option(ConnectionFactoryOptions.USER, TestDatabases.USER).build(),
                hubB, hubB.properties());
        // Replica C: no LISTEN at all, polling every 200 ms.
        EventHub hubC = new EventHub(readerB, EventsProperties.streams(Duration.ofSeconds(30), Duration.ofMillis(200), 100,
                256, Duration.ofSeconds(30)), new EventMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        listenerB.start();
        hubB.start();
        hubC.start();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!listenerB.isListening()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                SseRecorder.sleep(10);
            }
            long start = position("acme");
            try (SseRecorder onA = SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme?last_event_id=" + start);
                 SseRecorder onB = SseRecorder.of(hubB.stream("acme", start));
                 SseRecorder onC = SseRecorder.of(hubC.stream("acme", start));
                 SseRecorder rivalOnB = SseRecorder.of(hubB.stream("rival", null))) {
                SseRecorder.sleep(300);
                // Written through replica A's HTTP API.
                post(ACME_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "REBALANCE_RECOMMENDATION",
                        "ec2_instance_id", "i-0ddddddddddddddd1")).exchange().expectStatus().isOk();
                long id = start + 1;
                long sent = System.nanoTime();
                SseRecorder.Received b = onB.awaitEvent(f -> f.id() != null && f.id() == id, Duration.ofSeconds(5));
                assertThat(Duration.ofNanos(b.receivedNanos() - sent)).as("by NOTIFY, not polling").isLessThan(Duration.ofSeconds(3));
                assertThat(b.type()).isEqualTo(EventTypes.EMERGENCY_EVENT);
                onA.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
                onC.awaitEvent(f -> f.id() != null && f.id() == id, WAIT);
                // A burst written directly arrives in full on every replica.
                write("acme", 250, 3, 0);
                long end = id + 250;
                for (SseRecorder replica : List.of(onA, onB, onC)) {
                    replica.awaitEvent(f -> f.id() != null && f.id() == end, WAIT);
                    assertThat(replica.ids()).containsExactlyElementsOf(range(id, end));
                }
                assertThat(rivalOnB.events()).isEmpty();
            }
        } finally {
            hubC.stop();
            hubB.stop();
            listenerB.stop();
            Mono.from(((io.r2dbc.pool.ConnectionPool) pool).disposeLater()).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void streamsOverTheConnectionCapAreRefusedWith503() {
        awaitNoStreams();
        long before = metrics.cutoffCount(EventMetrics.CAPACITY);
        List<SseRecorder> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                open.add(SseRecorder.withToken(port, ACME_TOKEN, "/api/events/stream/acme"));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (hub.openConnections() < 6) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                SseRecorder.sleep(10);
            }
            http.get().uri("/api/events/stream/acme").accept(MediaType.TEXT_EVENT_STREAM)
                    .headers(h -> h.setBearerAuth(ACME_TOKEN)).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://spot-optimizer.dev/problems/stream-capacity");
            assertThat(metrics.cutoffCount(EventMetrics.CAPACITY)).isEqualTo(before + 1);
            assertThat(hub.openConnections()).isEqualTo(6);
        } finally {
            open.forEach(SseRecorder::close);
        }
        awaitNoStreams();
    }

    // --- helpers ---

    private long position(String clientId) {
        return count("SELECT last_event_id FROM clients WHERE client_id = '" + clientId + "'");
    }

    private long append(String clientId, Map<String, Object> data) {
        return tx.transactional(appender.append(clientId, EventTypes.COMMAND_EXECUTED, null, data, Instant.now())).block().eventId();
    }

    /** {@code count} events, each its own transaction, from {@code writers} concurrent writers. */
    private void write(String clientId, int count, int writers, int padding) {
        String pad = "p".repeat(padding);
        Flux.range(0, count)
                .flatMap(i -> tx.transactional(appender.append(clientId, EventTypes.COMMAND_EXECUTED, null,
                        Map.of("seq", i, "pad", pad), Instant.now())), writers)
                .then().block(Duration.ofSeconds(120));
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection(TestDatabases.jdbcUrl(database), TestDatabases.USER, "");
    }

    private static long single(Connection c, String sql) {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What EventAppender does, over JDBC: take the next id under the client row lock, insert, notify. */
    private static long appendJdbc(Connection c, String who) {
        long id = single(c, "UPDATE clients SET last_event_id = last_event_id + 1 WHERE client_id = 'acme' RETURNING last_event_id");
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO events (client_id, event_id, event_type, data, occurred_at)
                VALUES ('acme', ?, 'COMMAND_EXECUTED', CAST(? AS jsonb), now())""");
             PreparedStatement notify = c.prepareStatement("SELECT pg_notify('spot_events', 'acme')")) {
            insert.setLong(1, id);
            insert.setString(2, "{\"who\": \"" + who + "\"}");
            insert.executeUpdate();
            notify.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private void awaitLockWait() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                + " AND query ILIKE 'UPDATE clients%'") == 0) {
            assertThat(System.nanoTime()).as("second append waits on the row lock").isLessThan(deadline);
            SseRecorder.sleep(10);
        }
    }

    private void awaitNoStreams() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hub.openConnections() > 0) {
            assertThat(System.nanoTime()).as("earlier streams closed").isLessThan(deadline);
            SseRecorder.sleep(20);
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }
}
