package com.spotoptimizer.api.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Capacity fallback for the seed's HTTP agents: a failed LAUNCH_INSTANCE result that names a capacity error hands the
 * agent the next alternative as a command of its own, with its own ClientToken; the instance says which one ran.
 */
class HttpCapacityFallbackTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    private WebTestClient.ResponseSpec result(HttpAgent agent, String token, Object commandId, Map<String, Object> body) {
        return http.post().uri("/api/agents/{agent}/commands/{command}/result", agent.agentId(), commandId)
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private String launch(String agentId, String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "m5.large", "request_id", requestId, "metadata", Map.of("image_id", "ami-0abc",
                        "subnet_id", "subnet-0a"),
                "alternatives", List.of(Map.of("instance_type", "c5.large", "subnet_id", "subnet-0b"),
                        Map.of("instance_type", "r5.large"))))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody()
                .get("instance_id");
    }

    private List<Map<String, Object>> pollUntilSome(HttpAgent agent) {
        return await("a command for the agent").atMost(Duration.ofSeconds(20)).until(agent::poll, c -> !c.isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> command) {
        return (Map<String, Object>) command.get("metadata");
    }

    @Test
    void refusedForCapacityTheAgentGetsTheNextAlternativeAndTheInstanceSaysWhichRan() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("acme-http", "http-fallback-1");

        Map<String, Object> first = agent.poll().get(0);
        assertThat(metadata(first)).containsEntry("instance_type", "m5.large").containsEntry("attempt", 0);
        // What a boto3 agent sends: the EC2 code only inside the exception text.
        result(agent, ACME_AGENT_TOKEN, first.get("command_id"), Map.of("success", false, "message",
                "An error occurred (InsufficientInstanceCapacity) when calling the RunInstances operation: "
                        + "We currently do not have sufficient m5.large capacity")).expectStatus().isOk();

        Map<String, Object> second = pollUntilSome(agent).get(0);
        assertThat(second.get("command_id")).isEqualTo("launch-" + instanceId + "-attempt-1");
        assertThat(second).containsEntry("command_type", "LAUNCH_INSTANCE").containsEntry("instance_id", instanceId)
                .containsEntry("request_id", "http-fallback-1");
        assertThat(metadata(second)).containsEntry("instance_type", "c5.large").containsEntry("subnet_id", "subnet-0b")
                .containsEntry("image_id", "ami-0abc").containsEntry("attempt", 1);
        assertThat(metadata(second).get("client_token")).isNotEqualTo(metadata(first).get("client_token"));

        // The first command's result, sent again, is not the second attempt's refusal.
        result(agent, ACME_AGENT_TOKEN, first.get("command_id"), Map.of("success", false,
                "message", "InsufficientInstanceCapacity", "error_code", "InsufficientInstanceCapacity"))
                .expectStatus().isOk();
        agent.confirmLaunched(instanceId, "i-0fa11bac4c5aaaaaa").expectStatus().isOk();

        Map<String, Object> shown = get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(shown).containsEntry("status", "running_primary").containsEntry("instance_type", "c5.large")
                .containsEntry("ec2_instance_id", "i-0fa11bac4c5aaaaaa");
        assertThat(shown.get("launched_with").toString()).contains("c5.large").contains("subnet-0b");
        assertThat(shown.get("skipped_alternatives").toString()).contains("m5.large")
                .contains("InsufficientInstanceCapacity");
        assertThat(agent.poll()).as("nothing left for the agent").isEmpty();
    }

    @Test
    void everyAlternativeRefusedEndsLaunchFailedAndLeavesTheAgentNothingToDo() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String instanceId = launch("acme-http-2", "http-fallback-2");
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, Object> command = pollUntilSome(agent).get(0);
            assertThat(metadata(command)).containsEntry("attempt", attempt);
            result(agent, ACME_AGENT_2_TOKEN, command.get("command_id"), Map.of("success", false,
                    "message", "no capacity", "error_code", attempt == 2 ? "Unsupported" : "InsufficientInstanceCapacity"))
                    .expectStatus().isOk();
        }

        await("launch failed").atMost(Duration.ofSeconds(20)).until(() -> "launch_failed".equals(
                get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange().expectBody(JSON).returnResult()
                        .getResponseBody().get("status")));
        Map<String, Object> shown = get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat((String) shown.get("failure_reason")).startsWith("EC2 refused every alternative: ")
                .contains("m5.large in subnet-0a: InsufficientInstanceCapacity: no capacity")
                .contains("c5.large in subnet-0b: InsufficientInstanceCapacity: no capacity")
                .contains("r5.large: Unsupported: no capacity");
        assertThat(agent.poll()).isEmpty();
    }

    @Test
    void anErrorCodeThatIsNotOneIsABadRequestAndChangesNothing() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("acme-http", "http-fallback-3");
        Map<String, Object> command = agent.poll().get(0);

        result(agent, ACME_AGENT_TOKEN, command.get("command_id"), Map.of("success", false, "message", "x",
                "error_code", "not a code; DROP TABLE")).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JSON).value(problem -> assertThat(problem.toString()).contains("error_code"));

        Map<String, Object> shown = get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(shown).containsEntry("status", "launching").containsEntry("instance_type", "m5.large");
        agent.confirmLaunched(instanceId, "i-0fa11bac4c5bbbbbb").expectStatus().isOk();
    }
}
