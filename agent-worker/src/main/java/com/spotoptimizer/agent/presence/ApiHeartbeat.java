package com.spotoptimizer.agent.presence;

import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.ApiClient;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the api this agent is alive ({@code POST /api/agents/{id}/heartbeat} with the agent's token), so
 * it shows online and the "agent offline" alert means what it says. Temporal knows about the agent's
 * pollers, but the api's presence, events and alerts read the heartbeat. A failure is logged when the
 * state changes, not on every beat. It runs on the agent's one schedule ({@code AgentRuntime}).
 */
public final class ApiHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(ApiHeartbeat.class);

    private final String agentId;
    private final ApiClient api;
    private final Duration interval;
    private final URI uri;
    private volatile Boolean lastOk;

    public ApiHeartbeat(String agentId, AgentProperties.Api api) {
        this(new ApiClient(agentId, api), api.heartbeatInterval());
    }

    public ApiHeartbeat(ApiClient api, Duration interval) {
        this.agentId = api.agentId();
        this.api = api;
        this.interval = interval;
        this.uri = api.agentUri("heartbeat");
    }

    /** Time between beats; the agent's schedule ({@code AgentRuntime}) calls {@link #beat()} this often. */
    public Duration interval() {
        return interval;
    }

    /** One heartbeat; true when the api accepted it. */
    public boolean beat() {
        try {
            ApiClient.Response response = api.post("heartbeat", java.util.Map.of());
            changed(response.ok(), response.ok() ? null : "HTTP " + response.status());
            return response.ok();
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
}
