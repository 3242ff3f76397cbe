package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.worker.WorkerFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Scale-out with {@code kill -9}: two API replicas and two agent-worker processes of one agent on one
 * database and the local mode's in-process Temporal service. Replica A is the all-in-one in this JVM (the
 * Temporal service, the EC2 simulator and the API); replica B and both demo-agent workers are real child
 * JVMs started from the built jars. A burst of launches and terminates goes through both APIs while A's
 * control-plane worker is paused, so B runs the burst's workflows; then B and the worker holding burst
 * launches are killed with SIGKILL, and A's worker resumes. Then every launch and terminate
 * must still end within the bound, an SSE client of B resumes on A with Last-Event-ID and loses nothing,
 * and the EC2 simulator's ground truth shows nothing leaked.
 *
 * <p>Before the in-process service dropped sticky execution ({@link InProcessTemporal}) this test hung:
 * the workflows B handled last waited for B's sticky queue forever.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ScaleOutKillEndToEndTest {

    private static final Duration LAUNCH_DELAY = Duration.ofSeconds(2);
    private static final Duration TERMINATE_DELAY = Duration.ofSeconds(1);
    /**
     * From the kill to the last instance in its final state. The normal path here is ~2.5 s; a dead worker's
     * agent activity comes back after the 10 s heartbeat timeout, a workflow task the dead replica held after
     * the 10 s workflow task timeout. The margin is for two cores shared by four JVMs and PostgreSQL.
     */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(40);
    private static final int LAUNCHES = 10;
    private static final int TERMINATES = 6;

    private static LocalStack stack;
    private static E2eClient onA;
    private static ChildJvm replicaB;
    private static List<ChildJvm> workers;

    @BeforeAll
    static void start() throws Exception {
        // Replica A without its in-process agent: both workers of demo-agent are child JVMs. (The test server hands
        // a task to the poller that asked last, so a worker in A's own JVM would take nearly every task.)
        stack = LocalStack.start(LAUNCH_DELAY, TERMINATE_DELAY, Duration.ofMillis(200), "--server.address=127.0.0.1",
                "--spot.local.demo-agent.enabled=false");
        onA = new E2eClient(stack);
        String db = "127.0.0.1:5432/" + stack.database();
        String temporal = "--spring.temporal.connection.target=127.0.0.1:" + stack.temporalPort();
        replicaB = ChildJvm.api("replica-b", List.of(
                "--spring.r2dbc.url=r2dbc:postgresql://" + db, "--spring.r2dbc.username=postgres",
                "--spring.flyway.url=jdbc:postgresql://" + db, "--spring.flyway.user=postgres",
                temporal, "--spot.metrics.fleet-refresh=1s"));
        List<String> workerArgs = List.of(
                temporal, "--spot.agent.agent-id=" + E2eClient.AGENT,
                "--spot.agent.ec2.endpoint=" + stack.app().ec2().endpoint(),
                "--spot.agent.ec2.access-key-id=local", "--spot.agent.ec2.secret-access-key=local",
                "--spot.agent.poll-interval=200ms", "--spot.agent.orphan-sweep.enabled=false",
                "--spot.agent.api.url=http://127.0.0.1:" + stack.port(), "--spot.agent.api.token=demo-agent-token",
                "--spot.agent.interruptions.enabled=false");
        workers = List.of(ChildJvm.agentWorker("agent-worker-1", workerArgs),
                ChildJvm.agentWorker("agent-worker-2", workerArgs));
        replicaB.awaitHealthy(Duration.ofSeconds(180));
        workers.forEach(w -> w.awaitHealthy(Duration.ofSeconds(180)));
    }

    @AfterAll
    static void stop() {
        if (replicaB != null) {
            replicaB.close();
        }
        if (workers != null) {
            workers.forEach(ChildJvm::close);
        }
        if (stack != null) {
            String database = stack.database();
            stack.close();
            dropDatabase(database);
        }
    }

    @Test
    void everyLaunchAndTerminateEndsAndNoEventIsLostWhenAReplicaAndAnAgentWorkerAreKilledMidBurst() {
        E2eClient onB = new E2eClient(WebTestClient.bindToServer().baseUrl(replicaB.baseUrl())
                .responseTimeout(Duration.ofSeconds(30)).build());
        String baseA = "http://127.0.0.1:" + stack.port();
        SseTap streamA = SseTap.open(baseA, null);
        SseTap streamB = SseTap.open(replicaB.baseUrl(), null);

        // Both replicas work: launches through each, all running; both streams carry the same frames.
        List<String> running = IntStream.range(0, TERMINATES)
                .mapToObj(i -> (i % 2 == 0 ? onA : onB).launchId("scale-warm-" + i)).toList();
        running.forEach(id -> onA.awaitStatus(id, "running_primary"));
        awaitEvents(streamB, Map.of("INSTANCE_RUNNING", Set.copyOf(running)));
        awaitEvents(streamA, Map.of("INSTANCE_RUNNING", Set.copyOf(running)));
        Awaitility.await("both streams carry the same frames").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(streamB.ids()).isEqualTo(streamA.ids()));

        // The burst lands on B's worker: A's control-plane worker pauses (a long GC pause, a slow deploy), so B
        // takes the burst's workflow tasks and lifecycle activities and is the replica that handled those
        // workflows last. (Left alone, the test server hands nearly every task to A's in-JVM pollers.)
        WorkerFactory workersOfA = stack.app().api().getBean(WorkerFactory.class);
        workersOfA.suspendPolling();

        // The burst: launches and terminates split over both replicas' APIs. Killed mid-flight: once B has run
        // burst workflows (recorded launches) and a worker holds burst launches (RunInstances answered, the
        // instance still pending), B and that worker die and A's worker resumes.
        int recordedByBBefore = countOf(replicaB.output(), "Recorded launch requested");
        List<CompletableFuture<String>> launches = new ArrayList<>();
        List<CompletableFuture<String>> terminates = new ArrayList<>();
        for (int i = 0; i < LAUNCHES; i++) {
            E2eClient via = i % 2 == 0 ? onA : onB;
            String requestId = "scale-burst-" + i;
            launches.add(CompletableFuture.supplyAsync(() -> via.launchId(requestId)));
        }
        for (int i = 0; i < TERMINATES; i++) {
            E2eClient via = i % 2 == 0 ? onB : onA;
            String id = running.get(i);
            terminates.add(CompletableFuture.supplyAsync(() -> (String) via.terminate(id).get("instance_id")));
        }
        ChildJvm victim = Awaitility.await("B runs burst workflows and a worker holds burst launches")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> workers.stream().max(Comparator.comparingInt(w -> countOf(w.output(), "request_id=scale-burst-")))
                        .orElseThrow(), w -> countOf(w.output(), "request_id=scale-burst-") > 0
                        && countOf(replicaB.output(), "Recorded launch requested") > recordedByBBefore);
        long killedAt = System.nanoTime();
        workersOfA.resumePolling();
        replicaB.kill9();
        victim.kill9();

        // A client whose request to B was cut repeats it on A: same request_id, same instance.
        List<String> launched = new ArrayList<>();
        for (int i = 0; i < LAUNCHES; i++) {
            String requestId = "scale-burst-" + i;
            launched.add(launches.get(i).exceptionally(cut -> (String) onA.launch(requestId).get("instance_id")).join());
        }
        for (int i = 0; i < TERMINATES; i++) {
            String id = running.get(i);
            terminates.get(i).exceptionally(cut -> (String) onA.terminate(id).get("instance_id")).join();
        }
        List<String> heldByVictim = burstLaunchesOf(victim, launched);
        String outputOfB = replicaB.output();
        assertThat(launched).as("burst launches whose workflows the killed replica ran")
                .anyMatch(id -> outputOfB.contains("Recorded launch requested instance_id=" + id));

        // B's client notices the cut and resumes on A from its last id.
        streamB.awaitEnd(Duration.ofSeconds(10));
        List<SseTap.Frame> beforeKill = streamB.frames();
        SseTap resumed = SseTap.open(baseA, streamB.lastId(0));

        // Every launch and terminate ends, within the bound.
        Map<String, Map<String, Object>> finals = new HashMap<>();
        Awaitility.await("every launch running and every terminate done").atMost(RECOVERY_BOUND)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    for (String id : launched) {
                        finals.computeIfAbsent(id, k -> finalOrNull(k, "running_primary"));
                    }
                    for (String id : running) {
                        finals.computeIfAbsent(id, k -> finalOrNull(k, "terminated"));
                    }
                    return finals.values().stream().filter(r -> r != null).count() == LAUNCHES + TERMINATES;
                });
        double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;
        // A held launch the killed worker had not confirmed yet was taken over: RunInstances again, same ClientToken.
        long takenOver = heldByVictim.stream()
                .map(id -> GroundTruth.instancesOf(stack.app().ec2(), id).get(0).clientToken())
                .filter(token -> GroundTruth.runInstancesCallsOf(stack.app().ec2(), token).size() >= 2).count();
        System.out.printf("scale-out kill: %d launches and %d terminates all final %.1f s after kill -9 of a replica "
                + "and an agent-worker (which held %d launches; %d taken over by the live worker)%n",
                LAUNCHES, TERMINATES, recoverySeconds, heldByVictim.size(), takenOver);
        assertThat(takenOver).as("launches taken over from the killed worker").isPositive();

        // Events: the continuous stream on A has them all, and B's client lost nothing and saw nothing twice.
        Map<String, Set<String>> expected = Map.of(
                "INSTANCE_RUNNING", Set.copyOf(launched),
                "INSTANCE_TERMINATED", Set.copyOf(running));
        awaitEvents(streamA, expected);
        List<Long> beforeKillIds = beforeKill.stream().map(SseTap.Frame::id).toList();
        Awaitility.await("B's client, resumed on A, has what A's client has").atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> {
                    List<Long> seenByB = new ArrayList<>(beforeKillIds);
                    seenByB.addAll(resumed.ids());
                    assertThat(seenByB).as("B's client: before the kill on B, then resumed on A").isEqualTo(streamA.ids());
                });
        assertThat(streamA.ids()).as("ids strictly increasing").isSorted().doesNotHaveDuplicates();
        for (String id : launched) {
            assertThat(onA.transitionTypes(id)).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING");
        }
        for (String id : running) {
            assertThat(onA.transitionTypes(id))
                    .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        }
        GroundTruth.assertNothingLeakedOrStuck(stack, onA, Duration.ofSeconds(10));

        streamA.close();
        resumed.close();
    }

    private static int countOf(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            count++;
        }
        return count;
    }

    /** The launches whose RunInstances this worker made. */
    private static List<String> burstLaunchesOf(ChildJvm worker, List<String> launched) {
        String output = worker.output();
        return launched.stream().filter(id -> output.contains("RunInstances answered instance_id=" + id)).toList();
    }

    private static Map<String, Object> finalOrNull(String id, String status) {
        Map<String, Object> row = onA.get(id);
        return status.equals(row.get("status")) ? row : null;
    }

    /** Waits until the stream carried each listed event type for each listed instance. */
    private static void awaitEvents(SseTap stream, Map<String, Set<String>> expected) {
        Awaitility.await("events " + expected.keySet() + " on the stream").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    Map<String, Set<String>> seen = stream.frames().stream().filter(f -> f.instanceId() != null)
                            .collect(Collectors.groupingBy(SseTap.Frame::type,
                                    Collectors.mapping(SseTap.Frame::instanceId, Collectors.toSet())));
                    return expected.entrySet().stream()
                            .allMatch(e -> seen.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
                });
    }

    private static void dropDatabase(String database) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "") + "\" WITH (FORCE)");
        } catch (Exception e) {
            System.out.println("could not drop database " + database + ": " + e.getMessage());
        }
    }
}
