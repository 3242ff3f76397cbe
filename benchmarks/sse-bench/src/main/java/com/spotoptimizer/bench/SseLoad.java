package com.spotoptimizer.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A lightweight SSE load generator (Reactor Netty, one connection per subscriber, no per-frame
 * objects beyond a string): opens N subscribers, measures the server's memory per idle connection,
 * publishes E events at R per second and measures publish→receipt latency over every (subscriber,
 * event) pair. Targets: {@code api} (GET /api/events/stream/{client}; events committed over JDBC the
 * way EventAppender commits them) and {@code nchan} (nginx + nchan, GET /sub?id=…, POST /pub?id=…).
 *
 * <p>t0 of an event is the instant the publisher issues COMMIT (api) or sends the POST (nchan).
 *
 * <p>Options (all {@code --key=value}): target, host, port, subscribers, events, rate, concurrency,
 * token, client, jdbc, java-pid (heap is read with jcmd after a GC), rss-pids (comma-separated; RSS is
 * summed), connect-timeout-s, label.
 */
public final class SseLoad {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private SseLoad() {
    }

    /**
     * One subscriber's view: which of its client's events it got and when, and the id of the last frame it
     * got (for a resume). Frames are parsed from the bytes as they arrive (no string per chunk): the number
     * after {@code "seq":} and the {@code id:} line of each frame. Touched by one event-loop thread at a
     * time (its current connection's).
     */
    static final class Subscriber implements ByteProcessor {
        private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);

        final int client;
        final int clients;
        final long[] receivedAt;
        volatile boolean connected;
        volatile boolean ended;
        volatile Throwable error;
        volatile int received;
        int duplicates;
        /** Frames of another client's events (must stay 0: isolation). */
        int foreign;
        Disposable connection;
        // The last complete frame's id (published by lastIdLength, written after the bytes).
        private final byte[] lastId = new byte[64];
        private volatile int lastIdLength;
        // Parser state, reset on every connection.
        private long now;
        private byte previous;
        private int seqMatched;
        private boolean inNumber;
        private int number;
        private int digits;
        private int seq;
        private int column;
        private boolean idLine;
        private int idMatched;
        private final byte[] id = new byte[64];
        private int idLength;
        private boolean frameHasId;

        Subscriber(int client, int clients, int events) {
            this.client = client;
            this.clients = clients;
            receivedAt = new long[Math.max(0, (events - client + clients - 1) / clients)];
            reset();
        }

        void reset() {
            previous = '\n';
            seqMatched = 0;
            inNumber = false;
            seq = -1;
            column = 0;
            idMatched = 0;
            idLine = false;
            idLength = 0;
            frameHasId = false;
        }

        void onChunk(ByteBuf chunk) {
            now = System.nanoTime();
            chunk.forEachByte(this);
        }

        @Override
        public boolean process(byte b) {
            if (b == '\n') {
                endNumber();
                if (idLine) {
                    idLine = false;
                    frameHasId = true;
                }
                if (previous == '\n' && column == 0) {
                    endFrame();
                }
                previous = b;
                column = 0;
                idMatched = 0;
                return true;
            }
            if (column < ID.length) {
                idMatched = idMatched == column && b == ID[column] ? column + 1 : -1;
                if (idMatched == ID.length) {
                    idLine = true;
                    idLength = 0;
                }
            } else if (idLine) {
                if (!(idLength == 0 && b == ' ') && idLength < id.length) {
                    id[idLength++] = b;
                }
            }
            column++;
            if (inNumber) {
                if (b >= '0' && b <= '9') {
                    number = number * 10 + (b - '0');
                    digits++;
                } else if (!(b == ' ' && digits == 0)) {
                    endNumber();
                }
            } else if (b == SEQ[seqMatched]) {
                if (++seqMatched == SEQ.length) {
                    inNumber = true;
                    number = 0;
                    digits = 0;
                    seqMatched = 0;
                }
            } else {
                seqMatched = b == SEQ[0] ? 1 : 0;
            }
            previous = b;
            return true;
        }

        private void endNumber() {
            if (inNumber) {
                inNumber = false;
                if (digits > 0) {
                    seq = number;
                }
            }
        }

        private void endFrame() {
            if (frameHasId) {
                System.arraycopy(id, 0, lastId, 0, idLength);
                lastIdLength = idLength;
            }
            if (seq >= 0) {
                if (seq % clients != client) {
                    foreign++;
                } else {
                    int local = seq / clients;
                    if (local < receivedAt.length) {
                        if (receivedAt[local] == 0) {
                            receivedAt[local] = now;
                            received++;
                        } else {
                            duplicates++;
                        }
                    }
                }
            }
            seq = -1;
            frameHasId = false;
            seqMatched = 0;
        }

        /** The id of the last complete frame, or null. */
        String lastId() {
            int length = lastIdLength;
            return length == 0 ? null : new String(lastId, 0, length, StandardCharsets.US_ASCII);
        }

        /** Events of its client with an index in [from, to). */
        int expected(int from, int to) {
            int c = 0;
            for (int e = from; e < to; e++) {
                if (e % clients == client) {
                    c++;
                }
            }
            return c;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            o.put(arg.substring(2, eq < 0 ? arg.length() : eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        String target = o.getOrDefault("target", "api");
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.getOrDefault("port", "18080"));
        int n = Integer.parseInt(o.getOrDefault("subscribers", "10000"));
        int measured = Integer.parseInt(o.getOrDefault("events", "100"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "25"));
        int events = warmup + measured;
        double rate = Double.parseDouble(o.getOrDefault("rate", "5"));
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "200"));
        // Many clients: subscriber i streams client i % clients; event e goes to client e % clients.
        int clients = Integer.parseInt(o.getOrDefault("clients", "1"));
        // Reconnect storm: once this fraction of the measured events is published, every stream is cut at once
        // and reopened with Last-Event-ID while the events keep flowing (negative: no storm).
        double stormAt = Double.parseDouble(o.getOrDefault("storm-at", "-1"));
        // Event-loop threads of this load generator (0: Reactor Netty's default, max(4, cores)).
        int loops = Integer.parseInt(o.getOrDefault("loops", "0"));
        String jdbc = o.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/spot_bench");
        long javaPid = Long.parseLong(o.getOrDefault("java-pid", "0"));
        List<Long> rssPids = o.containsKey("rss-pids") && !o.get("rss-pids").isBlank()
                ? Arrays.stream(o.get("rss-pids").split(",")).map(String::trim).map(Long::parseLong).toList() : List.of();
        int connectTimeout = Integer.parseInt(o.getOrDefault("connect-timeout-s", "240"));
        String label = o.getOrDefault("label", target);
        // With a directory: a class histogram (jcmd GC.class_histogram, after a full GC) at 10% and at 100% of
        // the subscribers, and their difference per added stream by class (where the memory goes).
        Path histograms = o.containsKey("histogram-dir") && !o.get("histogram-dir").isBlank() ? Path.of(o.get("histogram-dir")) : null;
        boolean api = "api".equals(target);

        log("%s: %d subscribers over %d client(s) at http://%s:%d%s; then %d warm-up and %d measured events at %.1f/s%s",
                label, n, clients, host, port, api ? "/api/events/stream/{client}" : "/sub?id={client}", warmup, measured,
                rate, stormAt >= 0 ? String.format(Locale.ROOT, "; reconnect storm after %.0f%% of them", stormAt * 100) : "");
        HttpClient base = HttpClient.create(ConnectionProvider.newConnection())
                .host(host).port(port)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .headers(h -> h.set("Accept", "text/event-stream"));
        if (loops > 0) {
            base = base.runOn(LoopResources.create("sse-load", loops, true));
        }
        HttpClient[] http = new HttpClient[clients];
        String[] paths = new String[clients];
        for (int c = 0; c < clients; c++) {
            String token = clients == 1 ? o.getOrDefault("token", BenchServer.TOKEN) : BenchServer.token(c, clients);
            String id = clients == 1 ? o.getOrDefault("client", BenchServer.CLIENT) : BenchServer.client(c, clients);
            http[c] = api ? base.headers(h -> h.set("Authorization", "Bearer " + token)) : base;
            paths[c] = api ? "/api/events/stream/" + id : "/sub?id=" + id;
        }
        Subscriber[] subscribers = new Subscriber[n];
        for (int i = 0; i < n; i++) {
            subscribers[i] = new Subscriber(i % clients, clients, events);
        }
        // Memory per connection is the marginal cost: measured between 10% and 100% of the subscribers,
        // so start-up, JIT and the first connections' one-off allocations are not counted.
        int warm = Math.max(1, n / 10);
        long connectStart = System.nanoTime();
        connectRange(http, paths, subscribers, 0, warm, concurrency, connectTimeout, false);
        long warmNanos = System.nanoTime() - connectStart;
        Thread.sleep(3_000);
        long heapWarm = javaPid > 0 ? heapUsedAfterGc(javaPid) : -1;
        String histogramWarm = javaPid > 0 && histograms != null ? run("jcmd", Long.toString(javaPid), "GC.class_histogram") : null;
        long rssWarm = rss(rssPids);
        int openWarm = count(subscribers, s -> s.connected && !s.ended && s.error == null);
        long restStart = System.nanoTime();
        connectRange(http, paths, subscribers, warm, n, concurrency, connectTimeout, false);
        double connectSeconds = (warmNanos + System.nanoTime() - restStart) / 1e9;
        int connected = count(subscribers, s -> s.connected && !s.ended && s.error == null);
        log("connected %d of %d in %.1f s%s", connected, n, connectSeconds, errors(subscribers));

        Thread.sleep(5_000); // Idle: let the server settle.
        long heapAfter = javaPid > 0 ? heapUsedAfterGc(javaPid) : -1;
        String histogramAfter = histogramWarm != null ? run("jcmd", Long.toString(javaPid), "GC.class_histogram") : null;
        long rssAfter = rss(rssPids);
        int stillOpen = count(subscribers, s -> s.connected && !s.ended && s.error == null);
        int added = stillOpen - openWarm;
        double heapPerConnection = heapWarm >= 0 && added > 0 ? (heapAfter - heapWarm) / (double) added : -1;
        double rssPerConnection = !rssPids.isEmpty() && added > 0 ? (rssAfter - rssWarm) / (double) added : -1;
        log("idle: %d open; from %d to %d connections heap %s -> %s (%.0f B/connection), RSS %s -> %s (%.0f B/connection)",
                stillOpen, openWarm, stillOpen, mb(heapWarm), mb(heapAfter), heapPerConnection, mb(rssWarm), mb(rssAfter),
                rssPerConnection);

        if (histogramAfter != null && added > 0) {
            Files.createDirectories(histograms);
            Files.writeString(histograms.resolve(label + "-histogram-" + openWarm + ".txt"), histogramWarm);
            Files.writeString(histograms.resolve(label + "-histogram-" + stillOpen + ".txt"), histogramAfter);
            String diff = histogramDiff(histogramWarm, histogramAfter, added);
            Files.writeString(histograms.resolve(label + "-per-stream.txt"), diff);
            System.out.print(diff);
        }

        long[] t0 = new long[events];
        Publisher publisher = api ? new ApiPublisher(jdbc, clients) : new NchanPublisher(host, port, clients);
        // Warm-up events first (not measured): the JIT compiles the delivery path on them.
        publish(publisher, 0, warmup, rate, t0, null);
        Thread.sleep(3_000);
        double[] lagBefore = api ? lagBuckets(host, port) : null;
        double serverCpuBefore = cpuSeconds(rssPids);
        double serverSysBefore = sysSeconds(rssPids);
        double selfCpuBefore = cpuSeconds(List.of(ProcessHandle.current().pid()));
        long publishStart = System.nanoTime();
        double stormSeconds = -1;
        int stormResumed = 0;
        if (stormAt < 0) {
            publish(publisher, warmup, events, rate, t0, null);
        } else {
            // The publisher runs on; at the cut, every connection is closed at once and reopened from the last
            // id its subscriber got, with the same connects in flight as the first time.
            int cutAt = warmup + (int) Math.round(measured * stormAt);
            java.util.concurrent.CountDownLatch cut = new java.util.concurrent.CountDownLatch(1);
            Thread publishing = new Thread(() -> {
                try {
                    publish(publisher, warmup, events, rate, t0, i -> {
                        if (i == cutAt) {
                            cut.countDown();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    cut.countDown();
                }
            }, "publisher");
            publishing.start();
            cut.await();
            long stormStart = System.nanoTime();
            for (Subscriber s : subscribers) {
                if (s.connection != null) {
                    s.connection.dispose();
                }
            }
            for (Subscriber s : subscribers) {
                s.connected = false;
            }
            connectRange(http, paths, subscribers, 0, n, concurrency, connectTimeout, true);
            stormSeconds = (System.nanoTime() - stormStart) / 1e9;
            stormResumed = count(subscribers, s -> s.connected && !s.ended && s.error == null);
            log("reconnect storm: %d streams cut at once, %d live again after %.1f s (Last-Event-ID from each one's last frame)%s",
                    n, stormResumed, stormSeconds, errors(subscribers));
            publishing.join();
        }
        publisher.close();
        double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !allReceived(subscribers, events)) {
            Thread.sleep(50);
        }

        double serverCpu = cpuSeconds(rssPids) - serverCpuBefore;
        if (lagBefore != null) {
            double[] lagAfter = lagBuckets(host, port);
            if (lagAfter != null && lagAfter.length == lagBefore.length) {
                double total = lagAfter[lagAfter.length - 1] - lagBefore[lagBefore.length - 1];
                StringBuilder shares = new StringBuilder();
                for (int b = 0; b < LAG_BOUNDS.length; b++) {
                    shares.append(String.format(Locale.ROOT, " <=%sms:%.1f%%", LAG_BOUNDS[b],
                            100 * (lagAfter[b] - lagBefore[b]) / Math.max(1, total)));
                }
                log("server-side lag of the measured events (commit -> frame handed to the connection, %.0f frames):%s",
                        total, shares);
            }
        }
        double serverSys = sysSeconds(rssPids) - serverSysBefore;
        double selfCpu = cpuSeconds(List.of(ProcessHandle.current().pid())) - selfCpuBefore;
        double wall = (System.nanoTime() - publishStart) / 1e9;
        log("while publishing (%.1f s): server CPU %.1f s (%.1f s of it in the kernel), load generator CPU %.1f s",
                wall, serverCpu, serverSys, selfCpu);
        long expected = 0;
        long delivered = 0;
        long duplicates = 0;
        long foreign = 0;
        long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, (long) stillOpen * measured / clients + stillOpen)];
        int k = 0;
        for (Subscriber s : subscribers) {
            if (!s.connected || s.error != null) {
                continue;
            }
            expected += s.expected(warmup, events);
            duplicates += s.duplicates;
            foreign += s.foreign;
            for (int e = warmup; e < events; e++) {
                if (e % clients != s.client) {
                    continue;
                }
                long at = s.receivedAt[e / clients];
                if (at != 0) {
                    delivered++;
                    if (k < latencies.length) {
                        latencies[k++] = at - t0[e];
                    }
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, k);
        Arrays.sort(sorted);
        int endOpen = count(subscribers, s -> s.connected && !s.ended && s.error == null);
        log("published %d events in %.1f s; delivered %d of %d (duplicates %d, other clients' %d); %d streams still open",
                measured, publishSeconds, delivered, expected, duplicates, foreign, endOpen);
        log("publish->receipt latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                ms(pct(sorted, 50)), ms(pct(sorted, 90)), ms(pct(sorted, 99)), ms(pct(sorted, 99.9)), ms(pct(sorted, 100)));
        System.out.printf(Locale.ROOT, "RESULT label=%s subscribers=%d clients=%d connected=%d connect_s=%.1f heap_per_conn_B=%.0f"
                        + " rss_per_conn_B=%.0f events=%d rate=%.1f delivered=%d expected=%d dup=%d foreign=%d p50_ms=%.2f"
                        + " p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f server_cpu_s=%.1f server_sys_s=%.1f"
                        + " loadgen_cpu_s=%.1f storm_s=%.1f storm_resumed=%d lost=%d%n", label, n, clients, connected,
                connectSeconds, heapPerConnection, rssPerConnection, measured, rate, delivered, expected, duplicates, foreign,
                ms(pct(sorted, 50)), ms(pct(sorted, 90)), ms(pct(sorted, 99)), ms(pct(sorted, 99.9)), ms(pct(sorted, 100)),
                serverCpu, serverSys, selfCpu, stormSeconds, stormResumed, expected - delivered);

        for (Subscriber s : subscribers) {
            if (s.connection != null) {
                s.connection.dispose();
            }
        }
        Thread.sleep(1_000);
        System.exit(0);
    }

    private static final String[] LAG_BOUNDS = {"10", "50", "100", "250", "500", "1000", "2500", "5000", "10000"};

    /** The API's spot_event_delivery_lag_seconds buckets (cumulative counts, then +Inf), or null. */
    private static double[] lagBuckets(String host, int port) {
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String text = client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/actuator/prometheus"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            double[] counts = new double[LAG_BOUNDS.length + 1];
            int found = 0;
            for (String line : text.split("\n")) {
                if (!line.startsWith("spot_event_delivery_lag_seconds_bucket")) {
                    continue;
                }
                Matcher m = Pattern.compile("le=\"([^\"]+)\"\\}? (\\S+)").matcher(line);
                if (!m.find()) {
                    continue;
                }
                String le = m.group(1);
                double value = Double.parseDouble(m.group(2));
                if (le.equals("+Inf")) {
                    counts[LAG_BOUNDS.length] = value;
                    found++;
                } else {
                    long millis = Math.round(Double.parseDouble(le) * 1000);
                    for (int b = 0; b < LAG_BOUNDS.length; b++) {
                        if (Long.parseLong(LAG_BOUNDS[b]) == millis) {
                            counts[b] = value;
                            found++;
                        }
                    }
                }
            }
            return found == counts.length ? counts : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String errors(Subscriber[] subscribers) {
        Map<String, Integer> errors = new HashMap<>();
        for (Subscriber s : subscribers) {
            if (s.error != null) {
                errors.merge(s.error.getClass().getSimpleName() + ": " + s.error.getMessage(), 1, Integer::sum);
            }
        }
        return errors.isEmpty() ? "" : "; errors " + top(errors);
    }

    private static void connectRange(HttpClient[] http, String[] paths, Subscriber[] subscribers, int from, int to,
                                     int concurrency, int timeoutSeconds, boolean resume) {
        Flux.range(from, to - from)
                .flatMap(i -> {
                    Subscriber s = subscribers[i];
                    HttpClient client = http[s.client];
                    String lastId = resume ? s.lastId() : null;
                    if (lastId != null) {
                        client = client.headers(h -> h.set("Last-Event-ID", lastId));
                    }
                    return connect(client, paths[s.client], s).onErrorResume(e -> Mono.empty());
                }, concurrency)
                .then()
                .block(Duration.ofSeconds(timeoutSeconds));
    }

    private static Mono<Void> connect(HttpClient http, String path, Subscriber s) {
        return Mono.create(sink -> s.connection = http.get().uri(path)
                .response((response, content) -> {
                    if (response.status().code() != 200) {
                        IllegalStateException e = new IllegalStateException("HTTP " + response.status().code());
                        s.error = e;
                        sink.error(e);
                        return Mono.empty();
                    }
                    s.reset();
                    s.error = null;
                    s.connected = true;
                    sink.success();
                    return content.doOnNext(s::onChunk).then();
                })
                .subscribe(v -> { }, e -> {
                    s.error = e;
                    sink.error(e);
                }, () -> {
                    s.ended = true;
                    sink.success();
                }));
    }

    /** Where events are published: event {@code i} goes to client {@code i % clients}. */
    private interface Publisher extends AutoCloseable {
        /** Publishes event i; returns t0 (the instant COMMIT is issued, or the POST is sent). */
        long publish(int i) throws Exception;

        @Override
        void close() throws Exception;
    }

    private static void publish(Publisher publisher, int from, int to, double rate, long[] t0,
                                java.util.function.IntConsumer before) throws Exception {
        long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            pace(start, i - from, rate);
            if (before != null) {
                before.accept(i);
            }
            t0[i] = publisher.publish(i);
        }
    }

    /** What EventAppender does, one transaction per event; t0 = the instant COMMIT is issued. */
    private static final class ApiPublisher implements Publisher {
        private final Connection c;
        private final PreparedStatement next;
        private final PreparedStatement insert;
        private final PreparedStatement notify;
        private final int clients;

        ApiPublisher(String jdbc, int clients) throws Exception {
            this.clients = clients;
            c = DriverManager.getConnection(jdbc, "postgres", "");
            c.setAutoCommit(false);
            next = c.prepareStatement("UPDATE clients SET last_event_id = last_event_id + 1 WHERE client_id = ? RETURNING last_event_id");
            insert = c.prepareStatement("INSERT INTO events (client_id, event_id, event_type, data, occurred_at)"
                    + " VALUES (?, ?, 'COMMAND_EXECUTED', CAST(? AS jsonb), clock_timestamp())");
            notify = c.prepareStatement("SELECT pg_notify('spot_events', ?)");
        }

        @Override
        public long publish(int i) throws Exception {
            String client = BenchServer.client(i % clients, clients);
            next.setString(1, client);
            long id;
            try (ResultSet rs = next.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            insert.setString(1, client);
            insert.setLong(2, id);
            insert.setString(3, "{\"seq\": " + i + ", \"bench\": true}");
            insert.executeUpdate();
            notify.setString(1, client);
            notify.execute();
            long t0 = System.nanoTime();
            c.commit();
            return t0;
        }

        @Override
        public void close() throws Exception {
            c.close();
        }
    }

    /** One POST per event to nchan's publisher location; t0 = the instant the POST is sent. */
    private static final class NchanPublisher implements Publisher {
        private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        private final String host;
        private final int port;
        private final int clients;

        NchanPublisher(String host, int port, int clients) {
            this.host = host;
            this.port = port;
            this.clients = clients;
        }

        @Override
        public long publish(int i) throws Exception {
            URI uri = URI.create("http://" + host + ":" + port + "/pub?id=" + BenchServer.client(i % clients, clients));
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"seq\": " + i + ", \"bench\": true}")).build();
            long t0 = System.nanoTime();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("nchan publish answered " + response.statusCode());
            }
            return t0;
        }

        @Override
        public void close() {
        }
    }

    private static void pace(long start, int i, double rate) throws InterruptedException {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static boolean allReceived(Subscriber[] subscribers, int events) {
        for (Subscriber s : subscribers) {
            if (s.connected && s.error == null && !s.ended && s.received < s.receivedAt.length) {
                return false;
            }
        }
        return true;
    }

    private static int count(Subscriber[] subscribers, java.util.function.Predicate<Subscriber> p) {
        int c = 0;
        for (Subscriber s : subscribers) {
            if (p.test(s)) {
                c++;
            }
        }
        return c;
    }

    /** Heap in use after a full GC, from jcmd (the JDK's own tool; no agent in the server). */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private static long rss(List<Long> pids) throws IOException {
        long total = 0;
        for (long pid : pids) {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        return pids.isEmpty() ? -1 : total;
    }

    /** User + system CPU seconds of these processes so far (from /proc; -1 if none given). */
    private static double cpuSeconds(List<Long> pids) throws IOException {
        double total = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        }
        return pids.isEmpty() ? -1 : total;
    }

    private static double sysSeconds(List<Long> pids) throws IOException {
        double total = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(fields[12]) / 100.0;
        }
        return pids.isEmpty() ? -1 : total;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Per added stream, by class: instances and bytes (the classes that grew most, then the total). */
    static String histogramDiff(String before, String after, int added) {
        Map<String, long[]> a = parseHistogram(before);
        Map<String, long[]> b = parseHistogram(after);
        List<Map.Entry<String, long[]>> delta = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : b.entrySet()) {
            long[] was = a.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            total += d[1];
            delta.add(Map.entry(e.getKey(), d));
        }
        delta.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "[sse-bench] heap by class per added stream (%d streams added; total %.0f B/stream):%n", added, total / (double) added));
        for (Map.Entry<String, long[]> e : delta.subList(0, Math.min(40, delta.size()))) {
            if (e.getValue()[1] * 20 < added) {
                break; // Under 0.05 B per stream.
            }
            out.append(String.format(Locale.ROOT, "  %8.0f B %6.2f obj  %s%n", e.getValue()[1] / (double) added,
                    e.getValue()[0] / (double) added, e.getKey()));
        }
        return out.toString();
    }

    private static Map<String, long[]> parseHistogram(String text) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            }
        }
        return classes;
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static String top(Map<String, Integer> errors) {
        List<Map.Entry<String, Integer>> list = new ArrayList<>(errors.entrySet());
        list.sort((a, b) -> b.getValue() - a.getValue());
        return list.subList(0, Math.min(3, list.size())).toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[sse-bench] " + format + "%n", args);
    }
}
