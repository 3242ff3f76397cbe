package com.spotoptimizer.agent.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the api process's agent endpoints: records every request and answers with a status the
 * test sets ({@link #emergencyStatus}, for {@code /emergency}; heartbeats always get 200).
 */
public final class StubApi implements AutoCloseable {

    public record Request(String method, String path, String authorization, String contentType, String body) {
    }

    public final AtomicInteger emergencyStatus = new AtomicInteger(200);
    /** The status {@code /instance-state} answers (200 with the api's body, 404 as problem+json, or any other). */
    public final AtomicInteger instanceStateStatus = new AtomicInteger(200);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    public StubApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            int status = path.endsWith("/emergency") ? emergencyStatus.get()
                    : path.endsWith("/instance-state") ? instanceStateStatus.get() : 200;
            String text = !path.endsWith("/instance-state") ? "{}"
                    : status == 200 ? "{\"instance_id\":\"row-1\",\"ec2_instance_id\":\"i-1\",\"status\":\"terminated\","
                    + "\"changed\":true}"
                    : "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":" + status + "}";
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests to paths ending in {@code suffix} ({@code /emergency}, {@code /heartbeat}), oldest first. */
    public List<Request> requests(String suffix) {
        return requests.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
