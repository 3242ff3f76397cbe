package com.spotoptimizer.local.bench;

import com.spotoptimizer.local.ChildJvm;
import com.spotoptimizer.local.LocalStack;
import com.spotoptimizer.local.SseTap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scale-out benchmark (not a test; see benchmarks/scale-out/README.md): one API replica against two, on one
 * database and the local mode's in-process Temporal service, then the recovery after {@code kill -9} of a
 * replica in the middle of a burst.
 *
 * <ol>
 * <li>one replica: {@code clients} concurrent clients POST launches for {@code duration}, while
 *     {@code subscribers} SSE clients of the demo client watch; launches accepted per second (202) and
 *     events delivered per second (frames received by all subscribers together);
 * <li>two replicas: the same load split evenly over replica A (this JVM) and replica B (a child JVM from
 *     the built api jar), subscribers split too;
 * <li>kill: a burst of {@code burst} launches split over both, timed to all-running once without a kill
 *     (the normal path) and once with B killed right after the last 202; B's subscribers resume on A with
 *     Last-Event-ID, and each must end with exactly the ids of a subscriber that never moved.
 * </ol>
 *
 * <pre>
 * args (all optional): clients=16 subscribers=100 duration=PT15S burst=20 launch-delay=PT1S
 * </pre>
 */
public final class ScaleOutBench {

    private static final String TOKEN = "demo-client-token";
    private static final Pattern INSTANCE_ID = Pattern.compile("\"instance_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger sequence = new AtomicInteger();

    public static void main(String[] args) {
        int exit;
        try {
            exit = new ScaleOutBench().run(options(args));
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // the stack's non-daemon threads must not keep the JVM up
    }

    private int run(Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(options.getOrDefault("clients", "16"));
        int subscribers = Integer.parseInt(options.getOrDefault("subscribers", "100"));
        Duration duration = Duration.parse(options.getOrDefault("duration", "PT15S"));
        int burst = Integer.parseInt(options.getOrDefault("burst", "20"));
        Duration launchDelay = Duration.parse(options.getOrDefault("launch-delay", "PT1S"));
        System.out.printf(Locale.ROOT, "scale-out bench: clients=%d subscribers=%d duration=%s burst=%d launch_delay=%s "
                        + "cores=%d (load generator, both replicas, Temporal, agent, simulator and PostgreSQL share them)%n",
                clients, subscribers, duration, burst, launchDelay, Runtime.getRuntime().availableProcessors());

        LocalStack stack = LocalStack.start(launchDelay, Duration.ofMillis(500), Duration.ofMillis(500),
                "--server.address=127.0.0.1", "--logging.level.root=WARN", "--logging.level.com.spotoptimizer=WARN");
        String database = stack.database();
        String db = "127.0.0.1:5432/" + database;
        ChildJvm replicaB = ChildJvm.api("bench-replica-b", List.of(
                "--spring.r2dbc.url=r2dbc:postgresql://" + db, "--spring.r2dbc.username=postgres",
                "--spring.flyway.url=jdbc:postgresql://" + db, "--spring.flyway.user=postgres",
                "--spring.temporal.connection.target=127.0.0.1:" + stack.temporalPort(),
                "--logging.level.root=WARN", "--logging.level.com.spotoptimizer=WARN"));
        try {
            replicaB.awaitHealthy(Duration.ofSeconds(180));
            String a = "http://127.0.0.1:" + stack.port();
            String b = replicaB.baseUrl();
            // Warm both replicas' JIT a little; not counted.
            load("warm-up", List.of(a, b), List.of(a, b), Math.min(clients, 8), 10, Duration.ofSeconds(5));

            Load one = load("1 replica", List.of(a), List.of(a), clients, subscribers, duration);
            Load two = load("2 replicas", List.of(a, b), List.of(a, b), clients, subscribers, duration);
            System.out.println();
            System.out.println("| replicas | launches accepted/s | POST->202 p50 (ms) | p99 (ms) | events delivered/s | subscribers |");
            System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
            for (Load l : List.of(one, two)) {
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f | %.0f | %.0f | %d |%n", l.label, l.acceptedPerSecond(),
                        l.p(50), l.p(99), l.eventsPerSecond(), l.subscribers);
            }
            System.out.println();
            return killPhase(a, b, replicaB, burst, subscribers);
        } finally {
            replicaB.close();
            stack.close();
            dropDatabase(database);
        }
    }

    /** Clients POST launches round-robin over {@code targets} for {@code duration}; subscribers count frames. */
    private Load load(String label, List<String> targets, List<String> streams, int clients, int subscribers,
                      Duration duration) throws Exception {
        List<SseTap> taps = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            taps.add(SseTap.open(streams.get(i % streams.size()), null));
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long before = taps.stream().mapToLong(SseTap::count).sum();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String target = targets.get(c % targets.size());
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(launch(target, label), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 202) {
                            accepted.incrementAndGet();
                            latencies.add((System.nanoTime() - sent) / 1e6);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long delivered = taps.stream().mapToLong(SseTap::count).sum() - before;
        taps.forEach(SseTap::close);
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Load result = new Load(label, accepted.get(), failed.get(), seconds, sorted, delivered, subscribers);
        System.out.printf(Locale.ROOT, "%s: %d launches accepted (%d failed) in %.1f s = %.1f/s; POST->202 p50 %.0f ms p99 %.0f ms; "
                        + "%d frames to %d subscribers = %.0f events/s%n", label, result.accepted, result.failed, seconds,
                result.acceptedPerSecond(), result.p(50), result.p(99), delivered, subscribers, result.eventsPerSecond());
        return result;
    }

    /** The burst, without a kill (the normal path), then with replica B killed right after the last 202. */
    private int killPhase(String a, String b, ChildJvm replicaB, int burst, int subscribers) throws Exception {
        awaitQuiet(a, Duration.ofSeconds(120));
        double normal = burst(a, b, burst, null, null).seconds;
        awaitQuiet(a, Duration.ofSeconds(120));

        SseTap reference = SseTap.open(a, null);
        List<SseTap> onB = new ArrayList<>();
        for (int i = 0; i < subscribers / 2; i++) {
            onB.add(SseTap.open(b, null));
        }
        Burst killed = burst(a, b, burst, replicaB, onB);
        awaitSame(reference, killed.resumed, Duration.ofSeconds(30));
        int lossless = 0;
        for (int i = 0; i < onB.size(); i++) {
            List<Long> ids = new ArrayList<>(onB.get(i).ids());
            ids.addAll(killed.resumed.get(i).ids());
            if (ids.equals(reference.ids())) {
                lossless++;
            }
        }
        reference.close();
        killed.resumed.forEach(SseTap::close);
        System.out.printf(Locale.ROOT, "kill -9 of replica B mid-burst: %d launches all running %.1f s after the first POST "
                        + "(%.1f s without a kill: +%.1f s); B's %d SSE clients all resumed on A %.2f s after the kill, "
                        + "%d of %d with exactly the reference stream's ids%n", burst, killed.seconds, normal,
                killed.seconds - normal, onB.size(), killed.resumedAfter, lossless, onB.size());
        return lossless == onB.size() && killed.allRunning ? 0 : 2;
    }

    private record Burst(double seconds, boolean allRunning, double resumedAfter, List<SseTap> resumed) {
    }

    private Burst burst(String a, String b, int n, ChildJvm kill, List<SseTap> onB) throws Exception {
        long t0 = System.nanoTime();
        List<CompletableFuture<String>> posts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String target = i % 2 == 0 ? a : b;
            posts.add(http.sendAsync(launch(target, "burst"), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                Matcher m = INSTANCE_ID.matcher(r.body());
                if (r.statusCode() != 202 || !m.find()) {
                    throw new IllegalStateException("launch answered " + r.statusCode() + ": " + r.body());
                }
                return m.group(1);
            }));
        }
        List<String> ids = posts.stream().map(CompletableFuture::join).toList();
        double resumedAfter = 0;
        List<SseTap> resumed = new ArrayList<>();
        if (kill != null) {
            long killedAt = System.nanoTime();
            kill.kill9();
            for (SseTap tap : onB) {
                tap.awaitEnd(Duration.ofSeconds(10));
                resumed.add(SseTap.open(a, tap.lastId(0)));
            }
            resumedAfter = (System.nanoTime() - killedAt) / 1e9;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        boolean all = false;
        while (!all && System.nanoTime() < deadline) {
            all = true;
            for (String id : ids) {
                if (!"running_primary".equals(status(a, id))) {
                    all = false;
                    break;
                }
            }
            if (!all) {
                Thread.sleep(100);
            }
        }
        return new Burst((System.nanoTime() - t0) / 1e9, all, resumedAfter, resumed);
    }

    /** Waits until nothing is launching, so a burst is timed on its own. */
    private void awaitQuiet(String base, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/client/instances"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (!r.body().contains("\"launching\"")) {
                return;
            }
            Thread.sleep(500);
        }
        System.out.println("still launching after " + atMost + "; timing the burst anyway");
    }

    private static void awaitSame(SseTap reference, List<SseTap> resumed, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            long last = reference.lastId(0);
            if (resumed.stream().allMatch(t -> t.lastId(0) >= last)) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private String status(String base, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/client/instances/" + id))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = STATUS.matcher(r.body());
        return m.find() ? m.group(1) : null;
    }

    private HttpRequest launch(String base, String label) {
        String requestId = "bench-" + label.replace(' ', '-') + "-" + Long.toHexString(System.nanoTime()) + "-"
                + sequence.incrementAndGet();
        return HttpRequest.newBuilder(URI.create(base + "/api/client/instances/launch"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"demo-agent\",\"instance_type\":\"t3.micro\","
                        + "\"request_id\":\"" + requestId + "\"}"))
                .build();
    }

    private record Load(String label, int accepted, int failed, double seconds, List<Double> latencies, long delivered,
                        int subscribers) {

        double acceptedPerSecond() {
            return accepted / seconds;
        }

        double eventsPerSecond() {
            return delivered / seconds;
        }

        double p(double percentile) {
            if (latencies.isEmpty()) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(percentile / 100.0 * latencies.size()) - 1;
            return latencies.get(Math.max(0, Math.min(index, latencies.size() - 1)));
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            for (String part : arg.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    options.put(part.substring(0, eq).replaceFirst("^--", ""), part.substring(eq + 1));
                }
            }
        }
        return options;
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
