package com.spotoptimizer.local.bench;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.local.LocalStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EC2 pacing under a burst (not a test; see benchmarks/pacing/README.md): the local all-in-one with the simulator's
 * EC2 rate limits ON, one agent, N launches POSTed at once, and a critical (priority 100) terminate of an instance
 * launched beforehand, sent when half the burst is accepted. Prints the time to all running, the RequestLimitExceeded
 * answers the simulator gave (goal 0), launch timeouts (goal 0), how long the terminate waited for its
 * TerminateInstances turn (the pacer's own timer) and until EC2 got the call, and the time scale applied to every
 * refill rate (simulator and agent alike).
 *
 * <pre>
 * args (all optional): launches=3000 time-scale=10 launch-delay=PT2S poll-interval=PT5S deadline=PT20M concurrency=32
 * </pre>
 */
public final class PacingBench {

    private static final String TOKEN = "demo-client-token";
    private static final Pattern INSTANCE_ID = Pattern.compile("\"instance_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EC2_ID = Pattern.compile("\"ec2_instance_id\"\\s*:\\s*\"(i-[0-9a-f]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final java.util.concurrent.atomic.AtomicInteger postRetries = new java.util.concurrent.atomic.AtomicInteger();

    private PacingBench(LocalStack stack) {
        this.base = "http://127.0.0.1:" + stack.port();
    }

    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int launches = Integer.parseInt(o.getOrDefault("launches", "3000"));
        double scale = Double.parseDouble(o.getOrDefault("time-scale", "10"));
        Duration launchDelay = Duration.parse(o.getOrDefault("launch-delay", "PT2S"));
        Duration poll = Duration.parse(o.getOrDefault("poll-interval", "PT5S"));
        Duration deadline = Duration.parse(o.getOrDefault("deadline", "PT20M"));
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "32"));
        System.out.printf(Locale.ROOT, "pacing bench: launches=%d time_scale=%s (RunInstances refill %.0f/s instead of 2/s, "
                        + "TerminateInstances %.0f/s instead of 20/s, in the simulator and the agent) launch_delay=%s "
                        + "poll_interval=%s cores=%d load_average=%.2f%n", launches, scale, 2 * scale, 20 * scale,
                launchDelay, poll, Runtime.getRuntime().availableProcessors(), loadAverage());

        LocalStack stack = LocalStack.startRateLimited(scale, launchDelay, Duration.ofSeconds(2), poll,
                "--server.address=127.0.0.1", "--logging.level.root=WARN", "--logging.level.com.spotoptimizer=WARN",
                "--logging.level.io.micrometer=ERROR");
        String database = stack.database();
        try {
            return new PacingBench(stack).burst(stack, launches, concurrency, deadline);
        } finally {
            stack.close();
            dropDatabase(database);
        }
    }

    private int burst(LocalStack stack, int launches, int concurrency, Duration deadline) throws Exception {
        Ec2Simulator ec2 = stack.app().ec2();
        MeterRegistry registry = stack.app().api().getBean(MeterRegistry.class);
        String database = stack.database();

        String victim = launch("victim-" + System.nanoTime());
        String victimEc2 = awaitEc2Id(victim, Duration.ofMinutes(2));
        System.out.printf(Locale.ROOT, "victim running: %s (%s)%n", victim, victimEc2);

        long t0 = System.nanoTime();
        long deadlineAt = t0 + deadline.toNanos();
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<String>> posts = new ArrayList<>(launches);
        long terminateSentAt = 0;
        String run = "burst-" + Long.toHexString(t0);
        for (int i = 0; i < launches; i++) {
            inFlight.acquire();
            posts.add(launchAsync(run + "-" + i).whenComplete((id, e) -> inFlight.release()));
            if (i == launches / 2) {
                terminateSentAt = System.nanoTime();
                post("/api/client/instances/" + victim + "/terminate", "{}");
                System.out.printf(Locale.ROOT, "critical terminate sent after %d launches accepted (%.1f s)%n", i,
                        (terminateSentAt - t0) / 1e9);
            }
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
        double acceptedAll = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "all %d launches accepted in %.1f s%n", launches, acceptedAll);

        long terminateSent = terminateSentAt;
        BurstProgress progress = new BurstProgress();
        try {
            Awaitility.await("every launch and the terminate settled")
                    .atMost(Duration.ofNanos(Math.max(1, deadlineAt - System.nanoTime())))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        progress.counts = statusCounts(database);
                        if (progress.terminateCalledAfter == null && ec2.calls().stream().anyMatch(c ->
                                c.action().equals("TerminateInstances") && c.params().containsValue(victimEc2)
                                        && c.outcome().equals("ok"))) {
                            progress.terminateCalledAfter = (System.nanoTime() - terminateSent) / 1e9;
                        }
                        if (System.nanoTime() - progress.lastPrint > TimeUnit.SECONDS.toNanos(15)) {
                            progress.lastPrint = System.nanoTime();
                            System.out.printf(Locale.ROOT, "  t=%.0f s %s RunInstances=%d throttled=%d load_average=%.2f%n",
                                    (progress.lastPrint - t0) / 1e9, progress.counts, ec2.callCount("RunInstances"),
                                    ec2.rateLimitedCount(), loadAverage());
                        }
                        return progress.counts.getOrDefault("launching", 0L) == 0
                                && progress.counts.getOrDefault("terminating", 0L) == 0;
                    });
        } catch (ConditionTimeoutException deadlinePassed) {
            // Reported below: the figures say what had settled by the deadline.
        }
        Map<String, Long> counts = progress.counts;
        Double terminateCalledAfter = progress.terminateCalledAfter;
        double wall = (System.nanoTime() - t0) / 1e9;
        Timer terminateWait = registry.find("spot.ec2.pacing.wait").tag("action", "TerminateInstances").timer();
        Timer launchWait = registry.find("spot.ec2.pacing.wait").tag("action", "RunInstances").timer();
        long running = counts.getOrDefault("running_primary", 0L);
        long timedOut = counts.getOrDefault("launch_timed_out", 0L);
        boolean done = counts.getOrDefault("launching", 0L) == 0;
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("| --- | ---: |");
        System.out.printf(Locale.ROOT, "| launches (burst, one agent) | %d |%n", launches);
        System.out.printf(Locale.ROOT, "| time scale on every refill rate | ×%s |%n", fmt(stack.app().ec2().rateLimits().timeScale()));
        System.out.printf(Locale.ROOT, "| time to all running (s) | %s |%n", done ? fmt(wall) : "not reached (" + fmt(wall) + " s)");
        double scale = stack.app().ec2().rateLimits().timeScale();
        System.out.printf(Locale.ROOT, "| floor set by the RunInstances bucket: (launches + 1 − 1,000) / (2/s × scale) (s) | %s |%n",
                fmt(Math.max(0, launches + 1 - 1_000) / (2 * scale)));
        System.out.printf(Locale.ROOT, "| running / statuses at the end | %d / %s |%n", running, counts);
        System.out.printf(Locale.ROOT, "| RunInstances calls | %d |%n", ec2.callCount("RunInstances"));
        System.out.printf(Locale.ROOT, "| RequestLimitExceeded answers (goal 0) | %d %s |%n", ec2.rateLimitedCount(),
                ec2.calls().stream().filter(c -> "RequestLimitExceeded".equals(c.outcome()))
                        .collect(java.util.stream.Collectors.groupingBy(c -> c.action(), java.util.TreeMap::new,
                                java.util.stream.Collectors.counting())));
        System.out.printf(Locale.ROOT, "| launch timeouts (goal 0) | %d |%n", timedOut);
        System.out.printf(Locale.ROOT, "| critical terminate: wait for its turn, pacer (ms, max) | %s |%n",
                terminateWait == null ? "-" : fmt(terminateWait.max(TimeUnit.MILLISECONDS)));
        System.out.printf(Locale.ROOT, "| critical terminate: POST → TerminateInstances at EC2 (s) | %s |%n",
                terminateCalledAfter == null ? "not seen" : fmt(terminateCalledAfter));
        System.out.printf(Locale.ROOT, "| RunInstances wait for a turn: mean / max (s) | %s / %s |%n",
                launchWait == null ? "-" : fmt(launchWait.mean(TimeUnit.MILLISECONDS) / 1000),
                launchWait == null ? "-" : fmt(launchWait.max(TimeUnit.MILLISECONDS) / 1000));
        System.out.printf(Locale.ROOT, "| launch POSTs sent again after a timeout (same request id) | %d |%n", postRetries.get());
        System.out.printf(Locale.ROOT, "| load average at the end | %.2f |%n", loadAverage());
        return done && timedOut == 0 && ec2.rateLimitedCount() == 0 ? 0 : 2;
    }

    private String launch(String requestId) throws Exception {
        return launchAsync(requestId).join();
    }

    /** A launch POST that timed out is sent again with the same request id (idempotent), up to 5 times. */
    private CompletableFuture<String> launchAsync(String requestId) {
        return launchAsync(requestId, 1);
    }

    private CompletableFuture<String> launchAsync(String requestId, int attempt) {
        return launchOnce(requestId).handle((id, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(id);
            }
            if (attempt >= 5) {
                return CompletableFuture.<String>failedFuture(e);
            }
            postRetries.incrementAndGet();
            return launchAsync(requestId, attempt + 1);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<String> launchOnce(String requestId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/client/instances/launch"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"demo-agent\",\"instance_type\":\"t3.micro\","
                        + "\"request_id\":\"" + requestId + "\"}")).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 202) {
                throw new IllegalStateException("launch answered " + response.statusCode() + ": " + response.body());
            }
            Matcher m = INSTANCE_ID.matcher(response.body());
            if (!m.find()) {
                throw new IllegalStateException("no instance_id in " + response.body());
            }
            return m.group(1);
        });
    }

    private String post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(1)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private String awaitEc2Id(String instanceId, Duration wait) {
        String body = Awaitility.await("victim running").atMost(wait).pollInterval(Duration.ofMillis(200))
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/api/client/instances/" + instanceId))
                                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString())
                                .body(),
                        b -> b.contains("running_primary") && EC2_ID.matcher(b).find());
        Matcher m = EC2_ID.matcher(body);
        m.find();
        return m.group(1);
    }

    private static Map<String, Long> statusCounts(String database) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, count(*) FROM instances GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
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

    /** What the wait for the burst has seen so far (written by Awaitility's polls, read after). */
    private static final class BurstProgress {
        volatile Map<String, Long> counts = Map.of();
        volatile Double terminateCalledAfter;
        volatile long lastPrint;
    }
}
