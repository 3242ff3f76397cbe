package com.spotoptimizer.api.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.ApiApplication;
import com.spotoptimizer.api.support.HttpAgent;
import com.spotoptimizer.api.support.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A restart never needs hand repair, for moves too: the API dies mid-switch and comes back with an empty
 * in-process Temporal service (as the local mode does), so every move workflow is gone. The move is resumed from
 * its command row and finishes without a second replacement; a row left {@code promoting} goes back to replica.
 */
class MoveRestartTest {

    private static final String CLIENT_TOKEN = "acme-client-token";
    private static final String AGENT_TOKEN = "acme-http-agent-token";
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    private final String database = TestDatabases.create(MoveRestartTest.class);
    private ConfigurableApplicationContext api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void switchCutByARestartIsResumedAndEndsWithOneReplacementPrimaryAndTheOldOneTerminated() throws Exception {
        api = start();
        HttpAgent agent = new HttpAgent(client(), "acme-http", AGENT_TOKEN);
        String old = (String) post("/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "m5.large", "request_id", "restart-old")).get("instance_id");
        agent.poll();
        agent.confirmLaunched(old, "i-0000000000000a101").expectStatus().isOk();
        String commandId = (String) post("/api/client/commands", Map.of("agent_id", "acme-http",
                "command_type", "ML_URGENT_SWITCH", "request_id", "restart-switch",
                "metadata", Map.of("instance_id", old))).get("command_id");
        Map<String, Object> launch = pollFor(agent, "LAUNCH_INSTANCE");
        String replacement = (String) launch.get("instance_id");
        api.close(); // the API dies; its in-process Temporal service, and every workflow in it, with it

        UUID stale = seedStalePromotingRow();
        api = start();
        agent = new HttpAgent(client(), "acme-http", AGENT_TOKEN);
        HttpAgent restarted = agent;
        // The agent still holds the launch command (its lease outlives the restart): it confirms it.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                restarted.confirmLaunched(replacement, "i-0000000000000a102").returnResult(String.class)
                        .getStatus().value() == 200);
        Map<String, Object> terminate = pollFor(agent, "TERMINATE_INSTANCE");
        assertThat(terminate).containsEntry("instance_id", old).containsEntry("priority", 50);
        agent.confirmTerminated(old, "i-0000000000000a101").expectStatus().isOk();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "COMPLETED".equals(get("/api/client/commands/" + commandId).get("status")));
        assertThat(get("/api/client/instances/" + replacement)).containsEntry("status", "running_primary");
        assertThat(get("/api/client/instances/" + old)).containsEntry("status", "terminated");
        assertThat(TestDatabases.count(database, "SELECT count(*) FROM instances WHERE request_id LIKE 'move.restart-switch.%'"))
                .as("one replacement across the restart").isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                TestDatabases.count(database, "SELECT count(*) FROM instances WHERE instance_id = '" + stale
                        + "' AND status = 'running_replica'") == 1);
    }

    private Map<String, Object> pollFor(HttpAgent agent, String type) {
        AtomicReference<Map<String, Object>> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<Map<String, Object>> polled = agent.poll();
            polled.stream().filter(c -> type.equals(c.get("command_type"))).findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    /** A replica whose promotion's workflow died with the old API, ten minutes ago. */
    private UUID seedStalePromotingRow() throws Exception {
        UUID id = UUID.randomUUID();
        Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
        try (Connection c = DriverManager.getConnection(TestDatabases.jdbcUrl(database), TestDatabases.USER, "");
             PreparedStatement row = c.prepareStatement("""
                     INSERT INTO instances (instance_id, client_id, agent_id, ec2_instance_id, instance_type, role, status,
                         request_id, request_fingerprint, metadata, launch_requested_at, updated_at)
                     VALUES (?, 'acme', 'acme-http', 'i-0000000000000a103', 'm5.large', 'replica', 'promoting',
                         'stale-promotion', 'sha256:seeded', '{}', ?, ?)""")) {
            row.setObject(1, id);
            row.setTimestamp(2, Timestamp.from(tenMinutesAgo));
            row.setTimestamp(3, Timestamp.from(tenMinutesAgo));
            row.executeUpdate();
        }
        return id;
    }

    private Map<String, Object> post(String path, Map<String, Object> body) {
        return client().post().uri(path).headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> get(String path) {
        return client().get().uri(path).headers(h -> h.setBearerAuth(CLIENT_TOKEN))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private ConfigurableApplicationContext start() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("spring.r2dbc.url", TestDatabases.r2dbcUrl(database));
        p.put("spring.r2dbc.username", TestDatabases.USER);
        p.put("spring.flyway.url", TestDatabases.jdbcUrl(database));
        p.put("spring.flyway.user", TestDatabases.USER);
        p.put("spring.temporal.test-server.enabled", "true");
        p.put("spring.temporal.connection.target", "");
        p.put("spot.lifecycle.reconcile-interval", "2s");
        p.put("spot.accounts.clients[0].id", "acme");
        p.put("spot.accounts.clients[0].name", "Acme Inc");
        p.put("spot.accounts.clients[0].token", CLIENT_TOKEN);
        p.put("spot.accounts.clients[0].agents[0].id", "acme-http");
        p.put("spot.accounts.clients[0].agents[0].token", AGENT_TOKEN);
        p.put("spot.accounts.clients[0].agents[0].transport", "HTTP");
        return new SpringApplicationBuilder(ApiApplication.class)
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private WebTestClient client() {
        String port = api.getEnvironment().getProperty("local.server.port");
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }
}
