package com.spotoptimizer.agent.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.system.AgentProperties;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiHeartbeatTest {

    private HttpServer api;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void startApi() throws Exception {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    @Test
    void postsTheAgentsHeartbeatWithItsToken() {
        ApiHeartbeat heartbeat = new ApiHeartbeat("demo-agent", api());
        assertThat(heartbeat.beat()).isTrue();
        assertThat(seen).containsExactly("POST /api/agents/demo-agent/heartbeat Bearer demo-agent-token");
    }

    @Test
    void aRefusedHeartbeatIsReportedNotThrown() {
        status.set(401);
        assertThat(new ApiHeartbeat("demo-agent", api()).beat()).isFalse();
        api.stop(0);
        assertThat(new ApiHeartbeat("demo-agent", api()).beat()).isFalse(); // nobody listening
    }

    private AgentProperties.Api api() {
        return new AgentProperties.Api("http://127.0.0.1:" + api.getAddress().getPort() + "/", "demo-agent-token", null);
    }
}
