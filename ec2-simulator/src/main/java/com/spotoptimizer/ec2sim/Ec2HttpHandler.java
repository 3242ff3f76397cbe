package com.spotoptimizer.ec2sim;

import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EC2 Query endpoint. Signatures are not checked: any SigV4-signed request is accepted, since the
 * point is to exercise the client's behaviour, not AWS auth.
 */
final class Ec2HttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Ec2HttpHandler.class);

    private final Ec2Actions actions;
    private final Ec2Faults faults;
    private final Ec2Throttle throttle;
    private final CallLog calls;
    private final Clock clock;
    private final CountDownLatch closing;

    Ec2HttpHandler(Ec2Actions actions, Ec2Faults faults, Ec2Throttle throttle, CallLog calls, Clock clock,
                   CountDownLatch closing) {
        this.actions = actions;
        this.faults = faults;
        this.throttle = throttle;
        this.calls = calls;
        this.clock = clock;
        this.closing = closing;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        QueryRequest request = parse(exchange);
        String action = request.action() == null ? "(none)" : request.action();
        try {
            faults.beforeCall(action).ifPresent(error -> {
                throw error;
            });
            throttle.admit(Ec2Throttle.scope(exchange.getRequestHeaders().getFirst("Authorization")), action,
                    resourceCost(action, request)).ifPresent(error -> {
                        throw error;
                    });
            String xml = actions.handle(request, requestId);
            Optional<DropMode> drop = "RunInstances".equals(action) ? faults.takeDrop() : Optional.empty();
            if (drop.isPresent()) {
                record(action, "dropped", request);
                log.info("EC2 response dropped action={} mode={} request_id={}", action, drop.get(), requestId);
                lose(exchange, drop.get());
                return;
            }
            record(action, "ok", request);
            log.debug("EC2 call served action={} request_id={}", action, requestId);
            send(exchange, 200, xml, requestId);
        } catch (Ec2Error e) {
            record(action, e.code(), request);
            log.debug("EC2 call failed action={} code={} request_id={}", action, e.code(), requestId);
            send(exchange, e.status(), Ec2Xml.error(e.code(), e.getMessage(), requestId), requestId);
        } catch (RuntimeException e) {
            record(action, "InternalError", request);
            log.warn("EC2 call crashed action={} request_id={}", action, requestId, e);
            send(exchange, 500, Ec2Xml.error("InternalError", "An internal error has occurred", requestId),
                    requestId);
        }
    }

    /** Resource tokens a call draws: one per instance launched (MaxCount) or named for termination. */
    static int resourceCost(String action, QueryRequest request) {
        try {
            return switch (action) {
                case Ec2RateLimits.RUN_INSTANCES -> {
                    Integer max = request.integer("MaxCount");
                    yield max == null || max < 1 ? 1 : max;
                }
                case Ec2RateLimits.TERMINATE_INSTANCES -> Math.max(1, request.list("InstanceId").size());
                default -> 0;
            };
        } catch (RuntimeException e) {
            return 1; // a malformed count is refused by the action itself; charge one like any call
        }
    }

    private static QueryRequest parse(HttpExchange exchange) throws IOException {
        // EC2 takes parameters in a form body (what the SDK sends) or in the query string (GET).
        Map<String, String> params = new LinkedHashMap<>();
        String query = exchange.getRequestURI().getRawQuery();
        params.putAll(QueryRequest.parseForm(query).asMap());
        try (InputStream body = exchange.getRequestBody()) {
            params.putAll(QueryRequest.parseForm(new String(body.readAllBytes(), StandardCharsets.UTF_8)).asMap());
        }
        return new QueryRequest(params);
    }

    private void record(String action, String outcome, QueryRequest request) {
        calls.record(new SimCall(action, clock.instant(), outcome, request.asMap()));
    }

    /** The work is done but the client never hears: exactly the case ClientToken exists for. */
    private void lose(HttpExchange exchange, DropMode mode) {
        if (mode == DropMode.STALL) {
            try {
                closing.await(faults.dropStall().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Closing before any header is sent makes the JDK server drop the TCP connection.
        exchange.close();
    }

    private static void send(HttpExchange exchange, int status, String xml, String requestId) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
