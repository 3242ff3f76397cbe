package com.spotoptimizer.local.bench;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.local.LocalStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Launch throughput and overhead on the local all-in-one (not a test; see benchmarks/lifecycle/README.md):
 * for each batch size, N launches POSTed at once to one agent (demo-agent), timed from the POST being
 * sent to the INSTANCE_RUNNING event arriving over SSE. Prints the control-plane overhead (that time minus
 * the simulator's launch delay) p50/p99, the wall time to all-running, and the EC2 calls the batch cost,
 * per minute and per launch. Loopback only; every batch is bounded by the deadline.
 *
 * <pre>
 * args (all optional): sizes=1,100,1000 launch-delay=PT2S poll-interval=PT5S deadline=PT4M warm-up=20
 * </pre>
 */
public final class LaunchBench {

    private static final String TOKEN = "demo-client-token";
    private static final String CLIENT = "demo";
    private static final Pattern INSTANCE_ID = Pattern.compile("\"instance_id\"\\s*:\\s*\"([^\"]+)\"");

    private final Ec2Simulator ec2;
    private final Duration launchDelay;
    private final Duration pollInterval;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    /** instance id → nanoTime its INSTANCE_RUNNING event arrived. */
    private final Map<String, Long> runningAt = new ConcurrentHashMap<>();
    private volatile long lastEventId;
    private volatile boolean stopping;

    private LaunchBench(LocalStack stack, Duration launchDelay, Duration pollInterval) {
        this.ec2 = stack.app().ec2();
        this.launchDelay = launchDelay;
        this.pollInterval = pollInterval;
        this.base = "http://127.0.0.1:" + stack.port();
    }

    /** Exits 0 when every batch ran to the end, 2 when the deadline cut one short, 1 on an error. */
    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // the stack's non-daemon threads (Temporal, Netty) must not keep the JVM up
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> options = options(args);
        List<Integer> sizes = Arrays.stream(options.getOrDefault("sizes", "1,100,1000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Duration launchDelay = Duration.parse(options.getOrDefault("launch-delay", "PT2S"));
        Duration pollInterval = Duration.parse(options.getOrDefault("poll-interval", "PT5S"));
        Duration deadline = Duration.parse(options.getOrDefault("deadline", "PT4M"));
        int warmUp = Integer.parseInt(options.getOrDefault("warm-up", "20"));

        System.out.printf(Locale.ROOT, "lifecycle bench: sizes=%s launch_delay=%s poll_interval=%s deadline=%s "
                        + "cores=%d (load generator, API, Temporal, agent, simulator and PostgreSQL share them)%n",
                sizes, launchDelay, pollInterval, deadline, Runtime.getRuntime().availableProcessors());
        long started = System.nanoTime();
        LocalStack stack = LocalStack.start(launchDelay, Duration.ofSeconds(2), pollInterval,
                "--server.address=127.0.0.1", "--logging.level.root=WARN", "--logging.level.com.spotoptimizer=WARN",
                "--logging.level.io.micrometer=ERROR");
        String database = stack.database();
        int exit = 0;
        try {
            LaunchBench bench = new LaunchBench(stack, launchDelay, pollInterval);
            bench.subscribe();
            long deadlineAt = started + deadline.toNanos();
            if (warmUp > 0) {
                Result warm = bench.batch("warm-up", warmUp, deadlineAt);
                System.out.printf(Locale.ROOT, "warm-up: %d launches, %d running in %.1f s (not counted)%n",
                        warmUp, warm.running, warm.wallSeconds);
            }
            List<Result> results = new ArrayList<>();
            for (int size : sizes) {
                Result r = bench.batch("n" + size, size, deadlineAt);
                results.add(r);
                r.print();
                if (r.running < size) {
                    System.out.println("deadline reached: stopping");
                    exit = 2;
                    break;
                }
            }
            printTable(results);
            bench.stopping = true;
        } finally {
            stack.close();
            dropDatabase(database);
        }
        return exit;
    }

    /** N launches at once; waits until every one is running (or the deadline). */
    private Result batch(String label, int n, long deadlineAt) throws Exception {
        Map<String, Long> before = ec2.callCounts();
        Instant windowStart = Instant.now();
        long t0 = System.nanoTime();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Double> accepts = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<String>> posts = new ArrayList<>(n);
        String run = label + "-" + Long.toHexString(t0);
        for (int i = 0; i < n; i++) {
            String requestId = run + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/client/instances/launch"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"demo-agent\",\"instance_type\":\"t3.micro\","
                            + "\"request_id\":\"" + requestId + "\"}"))
                    .build();
            long sent = System.nanoTime();
            posts.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("launch answered " + response.statusCode() + ": " + response.body());
                }
                Matcher m = INSTANCE_ID.matcher(response.body());
                if (!m.find()) {
                    throw new IllegalStateException("no instance_id in " + response.body());
                }
                sentAt.put(m.group(1), sent);
                accepts.add((System.nanoTime() - sent) / 1e9);
                return m.group(1);
            }));
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
        long acceptedAll = System.nanoTime();
        List<String> ids = posts.stream().map(CompletableFuture::join).toList();
        while (System.nanoTime() < deadlineAt && !ids.stream().allMatch(runningAt::containsKey)) {
            Thread.sleep(20);
        }
        long tEnd = ids.stream().map(runningAt::get).filter(t -> t != null).mapToLong(Long::longValue).max().orElse(t0);
        Map<String, Long> after = ec2.callCounts();
        List<Double> overheads = new ArrayList<>();
        for (String id : ids) {
            Long at = runningAt.get(id);
            if (at != null) {
                overheads.add((at - sentAt.get(id)) / 1e9 - launchDelay.toMillis() / 1e3);
            }
        }
        overheads.sort(Double::compare);
        List<Double> acceptLatencies = new ArrayList<>(accepts);
        acceptLatencies.sort(Double::compare);
        double wall = (tEnd - t0) / 1e9;
        List<SimCall> describes = ec2.calls().stream()
                .filter(c -> c.action().equals("DescribeInstances") && !c.at().isBefore(windowStart)).toList();
        // The watcher filters by instance-id (or, past 200 in flight, scans the ownership tag); the orphan sweep
        // adds a state filter and termination lookups filter by client-token or stable id.
        long watcherPolls = describes.stream().filter(c -> c.params().entrySet().stream()
                .filter(e -> e.getKey().matches("Filter\\.\\d+\\.Name"))
                .noneMatch(e -> e.getValue().equals("instance-state-name") || e.getValue().equals("client-token")
                        || e.getValue().equals("tag:spot-optimizer:instance-id"))).count();
        return new Result(label, n, overheads.size(), wall, (acceptedAll - t0) / 1e9, acceptLatencies, overheads,
                delta(before, after, "RunInstances"), delta(before, after, "DescribeInstances"), watcherPolls,
                pollInterval);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String action) {
        return after.getOrDefault(action, 0L) - before.getOrDefault(action, 0L);
    }

    /** One SSE subscription for the whole run, resumed from its last id if the server cuts it off. */
    private void subscribe() {
        Thread reader = new Thread(() -> {
            while (!stopping) {
                try {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/events/stream/" + CLIENT))
                            .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream");
                    if (lastEventId > 0) {
                        request.header("Last-Event-ID", Long.toString(lastEventId));
                    }
                    HttpResponse<java.io.InputStream> response = http.send(request.build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String event = null;
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (line.startsWith("event:")) {
                                event = line.substring(6).trim();
                            } else if (line.startsWith("id:")) {
                                lastEventId = Long.parseLong(line.substring(3).trim());
                            } else if (line.startsWith("data:") && "INSTANCE_RUNNING".equals(event)) {
                                Matcher m = INSTANCE_ID.matcher(line);
                                if (m.find()) {
                                    runningAt.putIfAbsent(m.group(1), System.nanoTime());
                                }
                            } else if (line.isEmpty()) {
                                event = null;
                            }
                        }
                    }
                } catch (Exception e) {
                    if (!stopping) {
                        System.out.println("SSE stream ended, resuming from " + lastEventId + ": " + e);
                    }
                }
            }
        }, "bench-sse");
        reader.setDaemon(true);
        reader.start();
    }

    private record Result(String label, int launches, int running, double wallSeconds, double acceptSeconds,
                          List<Double> accepts, List<Double> overheads, long runInstances, long describeInstances,
                          long watcherPolls, Duration pollInterval) {

        double perMinute(long calls) {
            return wallSeconds <= 0 ? 0 : calls / (wallSeconds / 60.0);
        }

        double percentile(double p) {
            return percentile(overheads, p);
        }

        static double percentile(List<Double> sorted, double p) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
        }

        void print() {
            System.out.printf(Locale.ROOT, "%s: %d launches, %d running; POST->202 p50 %.2f s p99 %.2f s, all accepted in "
                            + "%.1f s; all running in %.1f s; overhead (POST->INSTANCE_RUNNING minus launch delay) p50 %.2f s "
                            + "p99 %.2f s; RunInstances %d (%.1f/min, %.2f/launch); DescribeInstances %d (%.1f/min: "
                            + "watcher polls %d, ~%.0f expected at one per %ss; sweep/lookups %d)%n",
                    label, launches, running, percentile(accepts, 50), percentile(accepts, 99), acceptSeconds,
                    wallSeconds, percentile(50), percentile(99), runInstances, perMinute(runInstances),
                    runInstances / (double) launches, describeInstances, perMinute(describeInstances), watcherPolls,
                    wallSeconds / pollInterval.toMillis() * 1000.0, pollInterval.toMillis() / 1000.0,
                    describeInstances - watcherPolls);
        }
    }

    private static void printTable(List<Result> results) {
        System.out.println();
        System.out.println("| launches | all accepted (s) | all running (s) | overhead p50 (s) | overhead p99 (s) "
                + "| RunInstances/min | RunInstances/launch | DescribeInstances/min | DescribeInstances (watcher) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %.2f | %.0f | %.2f | %.1f | %d (%d) |%n",
                    r.launches, r.acceptSeconds, r.wallSeconds, r.percentile(50), r.percentile(99),
                    r.perMinute(r.runInstances), r.runInstances / (double) r.launches, r.perMinute(r.describeInstances),
                    r.describeInstances, r.watcherPolls);
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

    /** The bench's own database, made by LocalStack on the machine's PostgreSQL: leave nothing behind. */
    private static void dropDatabase(String database) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "") + "\" WITH (FORCE)");
        } catch (Exception e) {
            System.out.println("could not drop database " + database + ": " + e.getMessage());
        }
    }
}
