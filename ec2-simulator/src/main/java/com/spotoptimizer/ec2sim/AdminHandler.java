package com.spotoptimizer.ec2sim;

import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * {@code /_sim/*}: ground truth and fault injection over HTTP, for processes that cannot call the Java
 * API (docker-compose, scripts). Bodies are a flat JSON object or a form; both carry the same keys.
 */
final class AdminHandler implements HttpHandler {

    static final String PREFIX = "/_sim";
    private static final int RECENT_CALLS = 100;

    private final Ec2Simulator simulator;

    AdminHandler(Ec2Simulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        try {
            switch (route) {
                case "GET /_sim/health" -> send(exchange, 200, Map.of("status", "ok"));
                case "GET /_sim/instances" -> send(exchange, 200,
                        simulator.instances().stream().map(AdminHandler::instanceJson).toList());
                case "GET /_sim/calls" -> send(exchange, 200, calls());
                case "GET /_sim/faults" -> send(exchange, 200, simulator.faults().describe());
                case "POST /_sim/faults" -> {
                    apply(params(exchange));
                    send(exchange, 200, simulator.faults().describe());
                }
                case "POST /_sim/reset" -> {
                    drain(exchange);
                    simulator.reset();
                    send(exchange, 200, Map.of("reset", true));
                }
                case "POST /_sim/clock" -> advanceClock(exchange, params(exchange));
                case "POST /_sim/interrupt" -> interrupt(exchange, params(exchange));
                case "POST /_sim/terminate" -> terminateOutside(exchange, params(exchange));
                default -> send(exchange, 404, Map.of("error", "no such admin route: " + route));
            }
        } catch (IllegalArgumentException e) {
            send(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
        } catch (NoSuchElementException e) {
            send(exchange, 404, Map.of("error", String.valueOf(e.getMessage())));
        } catch (IllegalStateException e) {
            send(exchange, 409, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private Map<String, Object> calls() {
        List<SimCall> all = simulator.calls();
        List<Map<String, Object>> recent = all.subList(Math.max(0, all.size() - RECENT_CALLS), all.size()).stream()
                .map(c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("action", c.action());
                    m.put("at", c.at());
                    m.put("outcome", c.outcome());
                    return m;
                }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("counts", simulator.callCounts());
        out.put("recent", recent);
        return out;
    }

    private static Map<String, Object> instanceJson(SimInstance i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instanceId", i.instanceId());
        m.put("reservationId", i.reservationId());
        m.put("clientToken", i.clientToken());
        m.put("imageId", i.imageId());
        m.put("instanceType", i.instanceType());
        m.put("state", i.state());
        m.put("tags", i.tags());
        m.put("launchTime", i.launchTime());
        m.put("terminateRequestedAt", i.terminateRequestedAt());
        m.put("terminatedAt", i.terminatedAt());
        m.put("spot", i.spot());
        m.put("interruptionActionAt", i.interruptionActionAt());
        return m;
    }

    /** Keys are applied in a fixed order; {@code clear} first so one request can replace all faults. */
    private void apply(Map<String, String> p) {
        Ec2Faults faults = simulator.faults();
        if (Boolean.parseBoolean(p.get("clear"))) {
            faults.clear();
        }
        millis(p, "launchDelayMs").ifPresent(faults::launchDelay);
        millis(p, "terminateDelayMs").ifPresent(faults::terminateDelay);
        millis(p, "consistencyWindowMs").ifPresent(faults::consistencyWindow);
        millis(p, "terminatedRetentionMs").ifPresent(faults::terminatedRetention);
        millis(p, "dropStallMs").ifPresent(faults::dropStall);
        integer(p, "insufficientCapacity").ifPresent(n -> faults.insufficientCapacity(n, p.get("instanceType"),
                p.get("subnetId")));
        if (p.get("rateLimits") != null || p.get("rateTimeScale") != null) {
            Ec2RateLimits limits = simulator.rateLimits();
            if (p.get("rateLimits") != null) {
                limits = limits.withEnabled(Boolean.parseBoolean(p.get("rateLimits")));
            }
            if (p.get("rateTimeScale") != null) {
                limits = limits.withTimeScale(Double.parseDouble(p.get("rateTimeScale")));
            }
            simulator.rateLimits(limits);
        }
        integer(p, "throttleNext").ifPresent(n -> faults.throttleNext(n, p.get("throttleAction")));
        if (p.get("throttleProbability") != null) {
            faults.throttleProbability(Double.parseDouble(p.get("throttleProbability")));
        }
        integer(p, "dropRunInstances").ifPresent(n -> faults.dropRunInstancesResponses(n,
                p.get("dropMode") == null ? DropMode.STALL
                        : DropMode.valueOf(p.get("dropMode").toUpperCase(Locale.ROOT))));
        if (p.get("failCode") != null) {
            faults.failNext(p.get("failAction"), integer(p, "failCount").orElse(1), p.get("failCode"));
        }
        if (p.get("rejectImage") != null) {
            String code = p.get("rejectCode") == null ? "InvalidAMIID.NotFound" : p.get("rejectCode");
            faults.rejectImage(p.get("rejectImage"), code);
        }
    }

    /** {@code instanceId} (required) and {@code noticeMs} (EC2's two minutes when absent): a spot interruption. */
    private void interrupt(HttpExchange exchange, Map<String, String> p) throws IOException {
        String id = p.get("instanceId");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("instanceId is required");
        }
        Duration notice = millis(p, "noticeMs").orElse(Ec2Simulator.DEFAULT_SPOT_NOTICE);
        send(exchange, 200, instanceJson(simulator.interruptSpot(id, notice)));
    }

    /** {@code instanceId} (required; several separated by commas): terminated as a console user would. */
    private void terminateOutside(HttpExchange exchange, Map<String, String> p) throws IOException {
        String ids = p.get("instanceId");
        if (ids == null || ids.isBlank()) {
            throw new IllegalArgumentException("instanceId is required");
        }
        try {
            send(exchange, 200, simulator.terminateOutside(ids.split("\\s*,\\s*")).stream()
                    .map(AdminHandler::instanceJson).toList());
        } catch (Ec2Error e) {
            send(exchange, 404, Map.of("error", e.code() + ": " + e.getMessage()));
        }
    }

    private void advanceClock(HttpExchange exchange, Map<String, String> p) throws IOException {
        if (!(simulator.clock() instanceof SimClock clock)) {
            send(exchange, 409, Map.of("error", "the simulator runs on wall-clock time"));
            return;
        }
        millis(p, "advanceMs").ifPresent(clock::advance);
        send(exchange, 200, Map.of("now", clock.instant()));
    }

    private static Optional<Integer> integer(Map<String, String> p, String key) {
        String v = p.get(key);
        try {
            return v == null ? Optional.empty() : Optional.of(Integer.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer: " + v);
        }
    }

    private static Optional<Duration> millis(Map<String, String> p, String key) {
        String v = p.get(key);
        try {
            return v == null ? Optional.empty() : Optional.of(Duration.ofMillis(Long.parseLong(v)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of milliseconds: " + v);
        }
    }

    private static Map<String, String> params(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>(
                QueryRequest.parseForm(exchange.getRequestURI().getRawQuery()).asMap());
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        if (body.startsWith("{")) {
            params.putAll(Json.readFlatObject(body));
        } else {
            params.putAll(QueryRequest.parseForm(body).asMap());
        }
        return params;
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
