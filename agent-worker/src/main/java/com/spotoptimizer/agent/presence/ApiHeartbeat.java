package com.spotoptimizer.agent.presence;

import com.spotoptimizer.agent.system.AgentProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the api this agent is alive ({@code POST /api/agents/{id}/heartbeat} with the agent's token), so
 * it shows online and the "agent offline" alert means what it says. Temporal knows about the agent's
 * pollers, but the api's presence, events and alerts read the heartbeat. A failure is logged when the
 * state changes, not on every beat.
 */
public final class ApiHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiHeartbeat.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String agentId;
    private final AgentProperties.Api api;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-api-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile Boolean lastOk;

    public ApiHeartbeat(String agentId, AgentProperties.Api api) {
        this.agentId = agentId;
        this.api = api;
        String base = api.url().endsWith("/") ? api.url().substring(0, api.url().length() - 1) : api.url();
        this.uri = URI.create(base + "/api/agents/" + URLEncoder.encode(agentId, StandardCharsets.UTF_8) + "/heartbeat");
    }

    public void start() {
        schedule.scheduleWithFixedDelay(this::beat, 0, api.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One heartbeat; true when the api accepted it. */
    public boolean beat() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + api.token())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = response.statusCode() / 100 == 2;
            changed(ok, ok ? null : "HTTP " + response.statusCode());
            return ok;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            changed(false, e.toString());
            return false;
        }
    }

    private void changed(boolean ok, String error) {
        if (Boolean.valueOf(ok).equals(lastOk)) {
            return;
        }
        lastOk = ok;
        if (ok) {
            log.info("Api heartbeat accepted agent_id={} url={}", agentId, uri);
        } else {
            log.warn("Api heartbeat failed agent_id={} url={} error={}", agentId, uri, error);
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
