package com.spotoptimizer.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.ApiApplication;
import com.spotoptimizer.api.support.TestDatabases;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A restart never needs hand repair: whatever is in flight in the database, the service is healthy at once and
 * resumes the work in the background; a row that cannot be resumed is counted and never stops the others.
 * Here the in-process Temporal service starts empty, as the local mode's does after a restart: every in-flight
 * row's workflow is gone.
 */
class RestartWithWorkInFlightTest {

    private static final int IN_FLIGHT = 1000;
    private static final String CLIENT_TOKEN = "acme-client-token";
    private static final String HTTP_AGENT_TOKEN = "acme-http-agent-token";

    private final String database = TestDatabases.create(RestartWithWorkInFlightTest.class);
    private ConfigurableApplicationContext api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void serviceIsHealthyAtOnceAndResumesAThousandInFlightRowsInTheBackground() throws Exception {
        start().close(); // Schema and accounts, as a previous run of the service left them.
        List<UUID> inFlight = seedInFlightRows();
        UUID liveA = insertInstance("running_primary", "acme-http", "i-0a11111111111111a", null, "{}");
        UUID terminatingB = insertInstance("terminating", "acme-http", "i-0b22222222222222b", "term-b", "{}");
        UUID unresumable = insertInstance("launching", "acme-http", null, null, "{\"market\": \"moon\"}");

        long started = System.nanoTime();
        api = start();
        WebTestClient http = client();
        http.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP");
        System.out.printf("restart with %d rows in flight: healthy after %d ms%n", IN_FLIGHT + 2,
                (System.nanoTime() - started) / 1_000_000);

        MeterRegistry metrics = api.getBean(MeterRegistry.class);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> resumes(metrics, "resumed") >= IN_FLIGHT + 1 && resumes(metrics, "failed") >= 1);
        System.out.printf("resumed %d rows in %d ms%n", (long) resumes(metrics, "resumed"),
                (System.nanoTime() - started) / 1_000_000);
        assertThat(resumes(metrics, "failed")).as("only the row that cannot be resumed failed").isEqualTo(1);

        WorkflowClient temporal = api.getBean(WorkflowClient.class);
        for (int i = 0; i < inFlight.size(); i++) {
            assertThat(workflowExists(temporal, inFlight.get(i), i % 2 == 0)).as("workflow of " + inFlight.get(i)).isTrue();
        }
        assertThat(workflowExists(temporal, unresumable, true)).isFalse();
        assertThat(TestDatabases.count(database, "SELECT count(*) FROM instances WHERE instance_id = '" + unresumable
                + "' AND status = 'launching'")).as("the bad row is left for the stuck-launch alert").isEqualTo(1);

        // The row of "one bad confirmation leaves an instance terminating forever": still answerable.
        http.post().uri("/api/agents/acme-http/instance-terminated").headers(h -> h.setBearerAuth(HTTP_AGENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("instance_id", terminatingB.toString(), "ec2_instance_id", "i-0a11111111111111a"))
                .exchange().expectStatus().isEqualTo(409);
        http.post().uri("/api/agents/acme-http/instance-terminated").headers(h -> h.setBearerAuth(HTTP_AGENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("instance_id", terminatingB.toString(), "ec2_instance_id", "i-0b22222222222222b"))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("terminated");
        http.get().uri("/api/client/instances/{id}", liveA).headers(h -> h.setBearerAuth(CLIENT_TOKEN)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("running_primary");
    }

    private static double resumes(MeterRegistry metrics, String outcome) {
        var counter = metrics.find("spot_inflight_resumes").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static boolean workflowExists(WorkflowClient temporal, UUID id, boolean launching) {
        try {
            temporal.newUntypedWorkflowStub(launching ? WorkflowIds.launch("acme", "req-" + id)
                    : WorkflowIds.terminate(id.toString())).describe();
            return true;
        } catch (WorkflowNotFoundException e) {
            return false;
        }
    }

    /** Half launching and half terminating, each half split over an HTTP agent and a Temporal agent. */
    private List<UUID> seedInFlightRows() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            boolean launching = i % 2 == 0;
            String agent = (i / 2) % 2 == 0 ? "acme-http" : "acme-worker";
            ids.add(insertInstance(launching ? "launching" : "terminating", agent,
                    launching ? null : "i-0" + String.format("%016x", i + 1), launching ? null : "term-" + i, "{}"));
        }
        return ids;
    }

    private UUID insertInstance(String status, String agent, String ec2Id, String terminationRequestId,
                                String metadata) throws SQLException {
        UUID id = UUID.randomUUID();
        Instant requested = Instant.now().minusSeconds(30);
        try (Connection c = DriverManager.getConnection(TestDatabases.jdbcUrl(database), TestDatabases.USER, "")) {
            c.setAutoCommit(false);
            try (PreparedStatement row = c.prepareStatement("""
                    INSERT INTO instances (instance_id, client_id, agent_id, ec2_instance_id, instance_type, role, status,
                        request_id, request_fingerprint, termination_request_id, metadata, launch_requested_at,
                        termination_requested_at)
                    VALUES (?, 'acme', ?, ?, 't3.micro', 'primary', ?, ?, 'sha256:seeded', ?, CAST(? AS jsonb), ?, ?)""");
                 PreparedStatement command = c.prepareStatement("""
                    INSERT INTO commands (command_id, agent_id, client_id, instance_id, command_type, priority, request_id,
                        metadata, status, created_at)
                    VALUES (?, ?, 'acme', ?, ?, 100, ?, '{}', ?, ?)""")) {
                row.setObject(1, id);
                row.setString(2, agent);
                row.setString(3, ec2Id);
                row.setString(4, status);
                row.setString(5, "req-" + id);
                row.setString(6, terminationRequestId);
                row.setString(7, metadata);
                row.setTimestamp(8, Timestamp.from(requested));
                row.setTimestamp(9, terminationRequestId == null ? null : Timestamp.from(requested.plusSeconds(10)));
                row.executeUpdate();
                if (!status.startsWith("running")) {
                    boolean launch = status.equals("launching");
                    command.setString(1, launch ? "launch-" + id : "terminate-" + id + "-" + terminationRequestId);
                    command.setString(2, agent);
                    command.setObject(3, id);
                    command.setString(4, launch ? "LAUNCH_INSTANCE" : "TERMINATE_INSTANCE");
                    command.setString(5, launch ? "req-" + id : terminationRequestId);
                    command.setString(6, agent.equals("acme-worker") ? "DISPATCHED" : "QUEUED");
                    command.setTimestamp(7, Timestamp.from(requested));
                    command.executeUpdate();
                }
            }
            c.commit();
        }
        return id;
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
        p.put("spot.accounts.clients[0].id", "acme");
        p.put("spot.accounts.clients[0].name", "Acme Inc");
        p.put("spot.accounts.clients[0].token", CLIENT_TOKEN);
        p.put("spot.accounts.clients[0].agents[0].id", "acme-http");
        p.put("spot.accounts.clients[0].agents[0].token", HTTP_AGENT_TOKEN);
        p.put("spot.accounts.clients[0].agents[0].transport", "HTTP");
        p.put("spot.accounts.clients[0].agents[1].id", "acme-worker");
        p.put("spot.accounts.clients[0].agents[1].token", "acme-worker-agent-token");
        p.put("spot.accounts.clients[0].agents[1].transport", "TEMPORAL");
        // As command-line arguments: SpringApplicationBuilder.properties() would lose to application.yml.
        return new SpringApplicationBuilder(ApiApplication.class)
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private WebTestClient client() {
        String port = api.getEnvironment().getProperty("local.server.port");
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }
}
