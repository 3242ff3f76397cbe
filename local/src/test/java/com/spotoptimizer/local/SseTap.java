package com.spotoptimizer.local;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SSE connection of the demo client, read line by line on its own thread as a browser's EventSource
 * would (no reconnect of its own: the test decides where to resume). Records every event frame with its
 * id, type and instance id; heartbeats are skipped.
 */
public final class SseTap implements AutoCloseable {

    public record Frame(long id, String type, String instanceId) {
    }

    private static final Pattern INSTANCE_ID = Pattern.compile("\"instance_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Frame> frames = new ArrayList<>();
    private final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread reader;
    private volatile InputStream body;
    private volatile Throwable failure;

    private SseTap(String baseUrl, Long lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/events/stream/demo"))
                .header("Authorization", "Bearer " + E2eClient.CLIENT_TOKEN).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        this.reader = new Thread(() -> read(request.build()), "sse-tap");
        reader.setDaemon(true);
        reader.start();
    }

    /** Subscribes from now (no Last-Event-ID), or after {@code lastEventId}; waits for the response headers. */
    public static SseTap open(String baseUrl, Long lastEventId) {
        SseTap tap = new SseTap(baseUrl, lastEventId);
        try {
            if (!tap.open.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("SSE stream at " + baseUrl + " did not open: " + tap.failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (tap.failure != null) {
            throw new AssertionError("SSE stream at " + baseUrl + " failed", tap.failure);
        }
        return tap;
    }

    private void read(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            open.countDown();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                String data = null;
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        type = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data = line.substring(5);
                    } else if (line.isEmpty()) {
                        if (id != null && type != null && !"HEARTBEAT".equals(type)) {
                            Matcher m = INSTANCE_ID.matcher(data == null ? "" : data);
                            Frame frame = new Frame(Long.parseLong(id), type, m.find() ? m.group(1) : null);
                            synchronized (frames) {
                                frames.add(frame);
                            }
                        }
                        id = null;
                        type = null;
                        data = null;
                    }
                }
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            open.countDown();
            ended.countDown();
        }
    }

    public List<Frame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    public int count() {
        synchronized (frames) {
            return frames.size();
        }
    }

    public List<Long> ids() {
        return frames().stream().map(Frame::id).toList();
    }

    /** The id to resume from: the last one received, or {@code fallback} when none came. */
    public long lastId(long fallback) {
        synchronized (frames) {
            return frames.isEmpty() ? fallback : frames.get(frames.size() - 1).id();
        }
    }

    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /** Waits until the server side is gone (EOF or a reset), as it is when its replica is killed. */
    public void awaitEnd(Duration atMost) {
        try {
            if (!ended.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("SSE stream still open after " + atMost);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        reader.interrupt();
    }
}
