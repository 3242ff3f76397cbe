package com.spotoptimizer.local.bench;

import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.local.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interruption failover on the local all-in-one (not a test; see benchmarks/failover.sh): a spot interruption notice
 * for a running primary, timed from the simulator giving the notice to a new primary serving (a row
 * {@code running_primary} that is not the interrupted one, read from the API every 20 ms). Two cases, each run
 * {@code rounds} times:
 * <ul>
 *   <li>with a replica: the replica is promoted at once;</li>
 *   <li>without: a replacement primary is launched at once (the simulator's launch delay plus one agent poll).</li>
 * </ul>
 * And two ways the notice reaches the API: the agent-worker's own watcher (one DescribeInstances every 15 s, its
 * default), and an agent that posts the emergency the moment it sees the notice (as one reading instance metadata
 * would), which measures the control plane alone.
 *
 * <pre>
 * args (all optional): rounds=3 launch-delay=PT2S poll-interval=PT5S
 * </pre>
 */
public final class FailoverBench {

    private static final String TOKEN = "demo-client-token";
    private static final String AGENT_TOKEN = "demo-agent-token";

    private final Ec2Simulator ec2;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private int sequence;

    private FailoverBench(LocalStack stack) {
        this.ec2 = stack.app().ec2();
        this.base = "http://127.0.0.1:" + stack.port();
    }

    public static void main(String[] args) {
        int exit;
        try {
            run(args);
            exit = 0;
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        Arrays.stream(args).map(a -> a.split("=", 2)).forEach(kv -> options.put(kv[0], kv[1]));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        Duration launchDelay = Duration.parse(options.getOrDefault("launch-delay", "PT2S"));
        Duration pollInterval = Duration.parse(options.getOrDefault("poll-interval", "PT5S"));
        try (LocalStack stack = LocalStack.start(launchDelay, Duration.ofSeconds(1), pollInterval)) {
            FailoverBench bench = new FailoverBench(stack);
            System.out.printf("failover bench: launch-delay=%s agent poll-interval=%s interruption watcher=15s rounds=%d%n",
                    launchDelay, pollInterval, rounds);
            bench.measure(true, true);  // warm-up, not counted
            for (boolean replica : List.of(true, false)) {
                for (boolean posted : List.of(true, false)) {
                    List<Duration> times = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        times.add(bench.measure(replica, posted));
                    }
                    times.sort(null);
                    System.out.printf("%-16s %-32s notice -> new primary serving: min %5.1f s  median %5.1f s  max %5.1f s%n",
                            replica ? "with replica" : "without replica",
                            posted ? "(emergency posted at notice)" : "(agent watcher reports it)",
                            secs(times.get(0)), secs(times.get(times.size() / 2)), secs(times.get(times.size() - 1)));
                }
            }
        }
    }

    private Duration measure(boolean withReplica, boolean postAtNotice) throws Exception {
        int n = ++sequence;
        Map<String, String> primary = launch("bench-primary-" + n, "primary", null);
        String primaryId = primary.get("instance_id");
        Map<String, String> running = awaitStatus(primaryId, "running_primary", Duration.ofSeconds(60));
        String replicaId = null;
        if (withReplica) {
            replicaId = launch("bench-replica-" + n, "replica", primaryId).get("instance_id");
            awaitStatus(replicaId, "running_replica", Duration.ofSeconds(60));
        }
        Instant notice = Instant.now();
        long start = System.nanoTime();
        SimInstance interrupted = ec2.interruptSpot(running.get("ec2_instance_id"), Duration.ofMinutes(2));
        if (postAtNotice) {
            post("/api/agents/demo-agent/emergency", AGENT_TOKEN, "{\"kind\":\"SPOT_INTERRUPTION\",\"ec2_instance_id\":\""
                    + interrupted.instanceId() + "\",\"action_time\":\"" + interrupted.interruptionActionAt() + "\"}");
        }
        String newPrimary = withReplica ? replicaId : null;
        Awaitility.await("a new primary serving after the notice for " + primaryId).atMost(Duration.ofMinutes(3))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> newPrimary != null
                        ? "running_primary".equals(get("/api/client/instances/" + newPrimary).get("status"))
                        : replacementRunning(primaryId));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @SuppressWarnings("unchecked")
    private boolean replacementRunning(String primaryId) throws Exception {
        Map<String, Object> list = JsonText.toMap(send(HttpRequest.newBuilder(URI.create(base + "/api/client/instances"))
                .header("Authorization", "Bearer " + TOKEN).GET().build()));
        // The replacement's request id is failover.<interrupted instance>.<notice>.primary.
        return ((List<Map<String, Object>>) list.get("instances")).stream().anyMatch(row ->
                String.valueOf(row.get("request_id")).startsWith("failover." + primaryId)
                        && "running_primary".equals(row.get("status")));
    }

    private Map<String, String> launch(String requestId, String role, String replicaOf) throws Exception {
        String metadata = replicaOf == null ? "{}" : "{\"replica_of\":\"" + replicaOf + "\"}";
        return fields(post("/api/client/instances/launch", TOKEN, "{\"agent_id\":\"demo-agent\",\"instance_type\":\"t3.micro\","
                + "\"request_id\":\"" + requestId + "-" + System.nanoTime() + "\",\"role\":\"" + role + "\",\"metadata\":"
                + metadata + "}"));
    }

    private Map<String, String> awaitStatus(String id, String status, Duration atMost) {
        return Awaitility.await(id + " " + status).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> get("/api/client/instances/" + id), row -> status.equals(row.get("status")));
    }

    private Map<String, String> get(String path) throws Exception {
        return fields(send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
                .GET().build()));
    }

    private String post(String path, String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private String send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.uri() + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static Map<String, String> fields(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        JsonText.toMap(json).forEach((k, v) -> fields.put(k, v == null ? null : String.valueOf(v)));
        return fields;
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
