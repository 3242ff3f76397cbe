package com.spotoptimizer.api.move;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Promote, switch and interruption failover through the real HTTP API, with the seed's HTTP agent playing EC2's
 * side: every launch and termination a move needs reaches it in pending-commands at the move's priority, and it
 * confirms through the usual endpoints.
 */
class MovesApiTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() { };

    @Test
    void promoteMakesTheReplicaPrimaryAndDemotesTheOldPrimary() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String primary = running(agent, "promote-primary", "primary", "i-0000000000000a001");
        String replica = running(agent, "promote-replica", "replica", "i-0000000000000a002");

        Map<String, Object> answer = post(ACME_TOKEN, "/api/client/instances/{id}/promote",
                Map.of("request_id", "promote-1"), replica).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(answer.get("status")).isIn("promoting", "running_primary");

        awaitStatus(replica, "running_primary");
        awaitStatus(primary, "running_replica");
        assertThat(instance(replica)).containsEntry("role", "primary");
        assertThat(instance(primary)).containsEntry("role", "replica");
        assertThat(history(replica)).containsSubsequence("INSTANCE_PROMOTING", "INSTANCE_PROMOTED");
        assertThat(history(primary)).contains("INSTANCE_DEMOTED");
        // The same request again: the same promotion, nothing new.
        post(ACME_TOKEN, "/api/client/instances/{id}/promote", Map.of("request_id", "promote-1"), replica).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("running_primary");
    }

    @Test
    void promoteRefusesBadInputWithAProblemAndWritesNothing() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String primary = running(agent, "refuse-primary", "primary", "i-0000000000000b001");
        String replica = running(agent, "refuse-replica", "replica", "i-0000000000000b002");
        String before = tables();

        expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/promote", null,
                "00000000-0000-0000-0000-000000000000").exchange(), 404);
        expectProblem(post(RIVAL_TOKEN, "/api/client/instances/{id}/promote", null, replica).exchange(), 404);
        assertThat(expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/promote", null, primary).exchange(), 409)
                .get("type")).asString().endsWith("/not-a-running-replica");
        assertThat(expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/promote",
                Map.of("demote_primary_to", "sideways"), replica).exchange(), 400)).containsEntry("field", "demote_primary_to");
        expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/promote",
                Map.of("request_id", "not ok!"), replica).exchange(), 400);
        expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/promote",
                Map.of("unknown", "x"), replica).exchange(), 400);

        assertThat(tables()).as("nothing written").isEqualTo(before);
        assertThat(instance(replica)).containsEntry("status", "running_replica");
    }

    @Test
    void switchThroughTheHttpAgentEndsWithTheReplacementPrimaryAndTheOldOneTerminated() {
        HttpAgent agent = new HttpAgent(http, "rival-http", RIVAL_AGENT_TOKEN);
        String old = runningFor(RIVAL_TOKEN, agent, "switch-old", "primary", "i-0000000000000c001");

        Map<String, Object> queued = post(RIVAL_TOKEN, "/api/client/commands", Map.of("agent_id", "rival-http",
                "command_type", "MANUAL_SWITCH", "request_id", "switch-1",
                "metadata", Map.of("instance_id", old, "target", Map.of("instance_type", "m6i.large", "market", "on-demand"))))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        String commandId = (String) queued.get("command_id");
        assertThat(queued).containsEntry("command_type", "MANUAL_SWITCH").containsEntry("priority", 75)
                .containsEntry("instance_id", old);

        // The switch itself is visible with its metadata; its replacement's launch comes at the switch's priority.
        List<Map<String, Object>> polled = pollUntil(agent, cs -> cs.stream().anyMatch(c -> "LAUNCH_INSTANCE".equals(c.get("command_type"))));
        Map<String, Object> launch = polled.stream().filter(c -> "LAUNCH_INSTANCE".equals(c.get("command_type")))
                .findFirst().orElseThrow();
        assertThat(launch).containsEntry("priority", 75);
        @SuppressWarnings("unchecked")
        Map<String, Object> launchMetadata = (Map<String, Object>) launch.get("metadata");
        assertThat(launchMetadata).containsEntry("instance_type", "m6i.large").containsEntry("role", "replica")
                .containsEntry("market", "on-demand").containsEntry("replica_of", old);
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = '" + commandId
                + "' AND metadata->>'instance_id' = '" + old + "'")).isEqualTo(1);
        String replacement = (String) launch.get("instance_id");
        agent.confirmLaunched(replacement, "i-0000000000000c002").expectStatus().isOk();

        Map<String, Object> terminate = pollUntil(agent, cs -> cs.stream()
                .anyMatch(c -> "TERMINATE_INSTANCE".equals(c.get("command_type")))).stream()
                .filter(c -> "TERMINATE_INSTANCE".equals(c.get("command_type"))).findFirst().orElseThrow();
        assertThat(terminate).containsEntry("instance_id", old).containsEntry("priority", 75);
        assertThat(instance(replacement, RIVAL_TOKEN)).as("promoted before the old one is terminated")
                .containsEntry("status", "running_primary");
        agent.confirmTerminated(old, "i-0000000000000c001").expectStatus().isOk();

        await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(command(commandId).get("status")));
        assertThat(command(commandId).get("outcome")).isEqualTo(outcome("succeeded", "replaced by " + replacement,
                replacement, old));
        assertThat(instance(old, RIVAL_TOKEN)).containsEntry("status", "terminated");
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'COMMAND_EXECUTED' AND data->>'command_id' = '"
                + commandId + "' AND data->>'outcome' = 'succeeded' AND data->>'new_instance_id' = '" + replacement + "'"))
                .isEqualTo(1);

        // The same request: the same move; the same request id with another body: 409.
        post(RIVAL_TOKEN, "/api/client/commands", Map.of("agent_id", "rival-http", "command_type", "MANUAL_SWITCH",
                "request_id", "switch-1", "metadata", Map.of("instance_id", old, "target",
                        Map.of("instance_type", "m6i.large", "market", "on-demand")))).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.command_id").isEqualTo(commandId);
        expectProblem(post(RIVAL_TOKEN, "/api/client/commands", Map.of("agent_id", "rival-http",
                "command_type", "ML_URGENT_SWITCH", "request_id", "switch-1", "metadata", Map.of("instance_id", old)))
                .exchange(), 409);
    }

    @Test
    void switchRefusesBadInputWithAProblemAndWritesNothing() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String primary = running(agent, "bad-switch-primary", "primary", "i-0000000000000d001");
        String replica = running(agent, "bad-switch-replica", "replica", "i-0000000000000d002");
        String before = tables();

        expectProblem(switchOf(primary, Map.of("target", Map.of("market", "cheap"))), 400);
        expectProblem(switchOf(primary, Map.of("target", Map.of("instance_type", 5))), 400);
        expectProblem(switchOf(primary, Map.of("target", Map.of("colour", "blue"))), 400);
        assertThat(expectProblem(switchOf(primary, Map.of("not_before", "tomorrow")), 400))
                .containsEntry("field", "metadata.not_before");
        assertThat(expectProblem(switchOf(replica, Map.of()), 409).get("type")).asString().endsWith("/not-running-primary");
        expectProblem(switchOf("00000000-0000-0000-0000-000000000000", Map.of()), 404);
        expectProblem(post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http-2",
                "command_type", "MANUAL_SWITCH", "metadata", Map.of("instance_id", primary))).exchange(), 400);

        assertThat(tables()).as("nothing written").isEqualTo(before);
    }

    @Test
    void pendingCommandsComeHighestPriorityFirstOldestFirstWithinOneAndNotBeforeTheirTime() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String primary = running(agent, "order-primary", "primary", "i-0000000000000e001");
        queueBare("acme-http-2", "ML_NORMAL_SWITCH", "order-25");
        queueBare("acme-http-2", "ML_URGENT_SWITCH", "order-50a");
        queueBare("acme-http-2", "SCHEDULED_MAINTENANCE", "order-10");
        queueBare("acme-http-2", "ML_URGENT_SWITCH", "order-50b");
        queueBare("acme-http-2", "MANUAL_SWITCH", "order-75");
        post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http-2", "command_type", "SCHEDULED_MAINTENANCE",
                "request_id", "order-later", "metadata", Map.of("instance_id", primary, "not_before", "2099-01-01T00:00:00Z")))
                .exchange().expectStatus().isAccepted();

        List<Map<String, Object>> polled = agent.poll();

        assertThat(polled).extracting(c -> c.get("request_id"))
                .containsExactly("order-75", "order-50a", "order-50b", "order-25", "order-10");
        assertThat(count("SELECT count(*) FROM commands WHERE request_id = 'order-later' AND status = 'QUEUED'"))
                .as("recorded, not handed out before not_before").isEqualTo(1);
        assertThat(instance(primary)).containsEntry("status", "running_primary");
    }

    @Test
    void spotInterruptionOfAPrimaryWithAReplicaPromotesTheReplicaAndLaunchesANewOne() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String primary = running(agent, "irq-primary", "primary", "i-0000000000000f001");
        // Other primaries of acme run on this agent: the replica names its own (launch metadata replica_of).
        String replica = runningFor(ACME_TOKEN, agent, "irq-replica", "replica", "i-0000000000000f002",
                Map.of("replica_of", primary));

        post(ACME_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                "ec2_instance_id", "i-0000000000000f001", "action_time", "2099-01-01T00:02:00Z"))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.instance_id").isEqualTo(primary);

        awaitStatus(replica, "running_primary");
        awaitStatus(primary, "running_replica");
        Map<String, Object> launch = pollUntil(agent, cs -> cs.stream()
                .anyMatch(c -> "LAUNCH_INSTANCE".equals(c.get("command_type")))).stream()
                .filter(c -> "LAUNCH_INSTANCE".equals(c.get("command_type"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) launch.get("metadata");
        assertThat(metadata).containsEntry("role", "replica").containsEntry("replica_of", replica);
        assertThat(launch).containsEntry("priority", 100);
        // The notice again: the same failover, nothing new.
        post(ACME_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                "ec2_instance_id", "i-0000000000000f001", "action_time", "2099-01-01T00:02:00Z"))
                .exchange().expectStatus().isOk();
        assertThat(count("SELECT count(*) FROM instances WHERE request_id LIKE 'failover.%'")).isEqualTo(1);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private String running(HttpAgent agent, String requestId, String role, String ec2) {
        return runningFor(ACME_TOKEN, agent, requestId, role, ec2);
    }

    private String runningFor(String token, HttpAgent agent, String requestId, String role, String ec2) {
        return runningFor(token, agent, requestId, role, ec2, Map.of());
    }

    private String runningFor(String token, HttpAgent agent, String requestId, String role, String ec2,
                              Map<String, Object> metadata) {
        String id = (String) post(token, "/api/client/instances/launch", Map.of("agent_id", agent.agentId(),
                "instance_type", "m5.large", "request_id", requestId, "role", role, "metadata", metadata)).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody().get("instance_id");
        agent.poll();
        agent.confirmLaunched(id, ec2).expectStatus().isOk();
        return id;
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec switchOf(String instance,
                                                                                            Map<String, Object> extra) {
        Map<String, Object> metadata = new LinkedHashMap<>(extra);
        metadata.put("instance_id", instance);
        return post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http", "command_type", "MANUAL_SWITCH",
                "metadata", metadata)).exchange();
    }

    private void queueBare(String agentId, String type, String requestId) {
        post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", agentId, "command_type", type, "request_id", requestId))
                .exchange().expectStatus().isAccepted();
    }

    private List<Map<String, Object>> pollUntil(HttpAgent agent, Predicate<List<Map<String, Object>>> done) {
        java.util.concurrent.atomic.AtomicReference<List<Map<String, Object>>> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Map<String, Object>> polled = agent.poll();
            if (done.test(polled)) {
                seen.set(polled);
                return true;
            }
            return false;
        });
        return seen.get();
    }

    private void awaitStatus(String instanceId, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(instance(instanceId).get("status")));
    }

    private Map<String, Object> instance(String instanceId) {
        return instance(instanceId, ACME_TOKEN);
    }

    private Map<String, Object> instance(String instanceId, String token) {
        return get(token, "/api/client/instances/{id}", instanceId).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> command(String commandId) {
        return get(RIVAL_TOKEN, "/api/client/commands/{id}", commandId).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private List<Object> history(String instanceId) {
        return get(ACME_TOKEN, "/api/client/instances/{id}/events", instanceId).exchange().expectStatus().isOk()
                .expectBody(LIST).returnResult().getResponseBody().stream().map(e -> e.get("type")).toList();
    }

    private static Map<String, Object> outcome(String outcome, String reason, String newInstance, String oldInstance) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("outcome", outcome);
        expected.put("reason", reason);
        expected.put("new_instance_id", newInstance);
        expected.put("old_instance_id", oldInstance);
        return expected;
    }
}
