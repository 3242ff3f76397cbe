package com.spotoptimizer.api.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/** Subscribes to an SSE stream over real HTTP and records every frame, for assertions. */
final class SseRecorder implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() { };

    /** One received frame: id (null for heartbeats), type, and the parsed {"type","data","timestamp"}. */
    record Received(Long id, String type, Map<String, Object> body, long receivedNanos) {

        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            return (Map<String, Object>) body.get("data");
        }
    }

    private final List<Received> frames = new CopyOnWriteArrayList<>();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Disposable subscription;

    private SseRecorder(Flux<ServerSentEvent<String>> stream) {
        this.subscription = stream.subscribe(this::record, error::set, () -> completed.set(true));
    }

    static SseRecorder open(int port, String path, Consumer<HttpHeaders> headers) {
        Flux<ServerSentEvent<String>> stream = WebClient.create("http://127.0.0.1:" + port).get().uri(path)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .headers(headers)
                .retrieve()
                .bodyToFlux(SSE);
        return new SseRecorder(stream);
    }

    static SseRecorder withToken(int port, String token, String path) {
        return open(port, path, h -> h.setBearerAuth(token));
    }

    static SseRecorder of(Flux<ServerSentEvent<String>> stream) {
        return new SseRecorder(stream);
    }

    @SuppressWarnings("unchecked")
    private void record(ServerSentEvent<String> sse) {
        if (sse.event() == null && sse.data() == null) {
            return; // The opening comment.
        }
        Map<String, Object> body = sse.data() == null ? Map.of() : JSON.readValue(sse.data(), Map.class);
        frames.add(new Received(sse.id() == null ? null : Long.parseLong(sse.id()), sse.event(), body, System.nanoTime()));
    }

    /** Every frame but heartbeats, in arrival order. */
    List<Received> events() {
        List<Received> events = new ArrayList<>();
        for (Received frame : frames) {
            if (!"HEARTBEAT".equals(frame.type())) {
                events.add(frame);
            }
        }
        return events;
    }

    List<Received> all() {
        return List.copyOf(frames);
    }

    List<Long> ids() {
        return events().stream().map(Received::id).toList();
    }

    boolean isCompleted() {
        return completed.get();
    }

    Throwable error() {
        return error.get();
    }

    Received awaitEvent(Predicate<Received> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received frame : frames) {
                if (match.test(frame)) {
                    return frame;
                }
            }
            if (error.get() != null) {
                throw new AssertionError("stream failed", error.get());
            }
            sleep(10);
        }
        throw new AssertionError("no matching frame within " + timeout + "; got " + describe());
    }

    Received awaitType(String type, Duration timeout) {
        return awaitEvent(f -> type.equals(f.type()), timeout);
    }

    void awaitEventCount(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (events().size() >= count) {
                return;
            }
            if (error.get() != null) {
                throw new AssertionError("stream failed", error.get());
            }
            sleep(10);
        }
        throw new AssertionError("expected " + count + " events within " + timeout + ", got " + events().size());
    }

    void awaitCompleted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !completed.get() && error.get() == null) {
            sleep(10);
        }
        if (!completed.get() && error.get() == null) {
            throw new AssertionError("stream still open after " + timeout);
        }
    }

    String describe() {
        List<Received> all = all();
        return all.size() + " frames " + all.stream().skip(Math.max(0, all.size() - 10)).map(f -> f.id() + ":" + f.type()).toList();
    }

    @Override
    public void close() {
        subscription.dispose();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
