package com.spotoptimizer.api.agent;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The seed's pending-commands queue: priority order, results that close commands, leases that re-deliver. */
@TestPropertySource(properties = {"spot.lifecycle.command-lease=1s"})
class PendingCommandsTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Test
    void pendingCommandsComeHighestPriorityFirstAndOldestFirstWithinAPriority() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        // Created in an order that is neither priority nor reverse priority order.
        String maintenance1 = queue(ACME_TOKEN, "acme-http", "SCHEDULED_MAINTENANCE", "order-maintenance-1");
        String normal = queue(ACME_TOKEN, "acme-http", "ML_NORMAL_SWITCH", "order-normal");
        String manual1 = queue(ACME_TOKEN, "acme-http", "MANUAL_SWITCH", "order-manual-1");
        String launch = "launch-" + post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", "order-launch")).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody().get("instance_id");
        String urgent = queue(ACME_TOKEN, "acme-http", "ML_URGENT_SWITCH", "order-urgent");
        String maintenance2 = queue(ACME_TOKEN, "acme-http", "SCHEDULED_MAINTENANCE", "order-maintenance-2");
        String manual2 = queue(ACME_TOKEN, "acme-http", "MANUAL_SWITCH", "order-manual-2");

        List<Map<String, Object>> pending = agent.poll();

        assertThat(pending).extracting(c -> c.get("command_id"))
                .containsExactly(launch, manual1, manual2, urgent, normal, maintenance1, maintenance2);
        assertThat(pending).extracting(c -> c.get("priority")).containsExactly(100, 75, 75, 50, 25, 10, 10);
        assertThat(pending).extracting(c -> c.get("command_type")).containsExactly("LAUNCH_INSTANCE", "MANUAL_SWITCH",
                "MANUAL_SWITCH", "ML_URGENT_SWITCH", "ML_NORMAL_SWITCH", "SCHEDULED_MAINTENANCE", "SCHEDULED_MAINTENANCE");
        assertThat(pending).allSatisfy(c -> assertThat(c).containsKeys("command_id", "command_type", "request_id",
                "priority", "instance_id", "metadata", "created_at"));
        assertThat(Instant.parse((String) pending.get(1).get("created_at")))
                .isBefore(Instant.parse((String) pending.get(2).get("created_at")));
        assertThat(Instant.parse((String) pending.get(5).get("created_at")))
                .isBefore(Instant.parse((String) pending.get(6).get("created_at")));

        List<String> mine = pending.stream().map(c -> (String) c.get("command_id")).toList();
        for (HttpAgent other : List.of(new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN),
                new HttpAgent(http, "rival-http", RIVAL_AGENT_TOKEN))) {
            assertThat(other.poll()).extracting(c -> c.get("command_id")).doesNotContainAnyElementsOf(mine);
        }
        String before = tables();
        expectProblem(result(ACME_AGENT_2_TOKEN, "acme-http-2", manual1, Map.of("success", true)), 404);
        expectProblem(result(RIVAL_AGENT_TOKEN, "rival-http", manual1, Map.of("success", true)), 404);
        assertThat(tables()).as("another agent cannot close these commands").isEqualTo(before);
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = '" + manual1 + "' AND status = 'DELIVERED'"))
                .isEqualTo(1);
    }

    @Test
    void aResultClosesTheCommandForGoodAndARepeatedResultChangesNothing() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String switched = queue(ACME_TOKEN, "acme-http-2", "MANUAL_SWITCH", "result-switch");
        String refused = queue(ACME_TOKEN, "acme-http-2", "SCHEDULED_MAINTENANCE", "result-maintenance");
        assertThat(agent.poll()).extracting(c -> c.get("command_id")).containsExactly(switched, refused);

        result(ACME_AGENT_2_TOKEN, "acme-http-2", switched, Map.of("success", true, "message", "switched to m5.large"))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.command_id").isEqualTo(switched).jsonPath("$.recorded").isEqualTo(true);
        result(ACME_AGENT_2_TOKEN, "acme-http-2", refused, Map.of("success", false, "message", "window closed"))
                .expectStatus().isOk().expectBody().jsonPath("$.recorded").isEqualTo(true);
        String afterFirstResults = tables();

        result(ACME_AGENT_2_TOKEN, "acme-http-2", switched, Map.of("success", true, "message", "switched to m5.large"))
                .expectStatus().isOk().expectBody().jsonPath("$.recorded").isEqualTo(false);
        result(ACME_AGENT_2_TOKEN, "acme-http-2", switched, Map.of("success", false, "message", "changed my mind"))
                .expectStatus().isOk().expectBody().jsonPath("$.recorded").isEqualTo(false);

        assertThat(tables()).as("a repeated result writes nothing").isEqualTo(afterFirstResults);
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = '" + switched + "' AND status = 'COMPLETED'"
                + " AND result_message = 'switched to m5.large'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = '" + refused + "' AND status = 'FAILED'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'COMMAND_EXECUTED'"
                + " AND data->>'command_id' IN ('" + switched + "', '" + refused + "')")).isEqualTo(2);
        // Past the 1 s lease, a closed command is still never handed out again.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> agent.poll().stream().noneMatch(c -> List.of(switched, refused).contains(c.get("command_id"))));
        expectProblem(result(ACME_AGENT_2_TOKEN, "acme-http-2", "cmd-no-such-command", Map.of("success", true)), 404);
    }

    @Test
    void aCommandHandedOutAndNotAcknowledgedIsHandedOutAgainWhenItsLeaseExpires() {
        HttpAgent agent = new HttpAgent(http, "rival-http", RIVAL_AGENT_TOKEN);
        String urgent = queue(RIVAL_TOKEN, "rival-http", "ML_URGENT_SWITCH", "lease-urgent");

        Map<String, Object> first = only(agent.poll(), urgent);
        assertThat(first).containsEntry("attempts", 1);
        assertThat(agent.poll()).as("not handed out twice within its lease")
                .extracting(c -> c.get("command_id")).doesNotContain(urgent);

        AtomicReference<Map<String, Object>> again = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            agent.poll().stream().filter(c -> urgent.equals(c.get("command_id"))).findFirst().ifPresent(again::set);
            return again.get() != null;
        });
        assertThat(again.get()).containsEntry("attempts", 2).containsEntry("command_type", "ML_URGENT_SWITCH")
                .containsEntry("request_id", "lease-urgent").containsEntry("priority", 50);
        assertThat(Instant.parse((String) again.get().get("lease_expires_at")))
                .isAfter(Instant.parse((String) first.get("lease_expires_at")));
        assertThat(new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN).poll()).as("another client's agent never sees it")
                .extracting(c -> c.get("command_id")).doesNotContain(urgent);

        result(RIVAL_AGENT_TOKEN, "rival-http", urgent, Map.of("success", true)).expectStatus().isOk();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> agent.poll().stream().noneMatch(c -> urgent.equals(c.get("command_id"))));
        assertThat(count("SELECT attempts FROM commands WHERE command_id = '" + urgent + "'")).isEqualTo(2);
    }

    private String queue(String clientToken, String agentId, String type, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", agentId);
        body.put("command_type", type);
        body.put("request_id", requestId);
        body.put("metadata", Map.of("target_instance_type", "m5.large"));
        Map<String, Object> queued = post(clientToken, "/api/client/commands", body).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(queued).containsEntry("command_type", type).containsEntry("agent_id", agentId)
                .containsEntry("request_id", requestId);
        return (String) queued.get("command_id");
    }

    private WebTestClient.ResponseSpec result(String agentToken, String agentId, String commandId, Map<String, Object> body) {
        return post(agentToken, "/api/agents/{agent}/commands/{command}/result", body, agentId, commandId).exchange();
    }

    private static Map<String, Object> only(List<Map<String, Object>> commands, String commandId) {
        List<Map<String, Object>> matching = new ArrayList<>(commands.stream()
                .filter(c -> commandId.equals(c.get("command_id"))).toList());
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }
}
