package com.spotoptimizer.api.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/** launch_queued_reason and launch_call_at on the instance, and the HTTP agent's lease counting as its EC2 call. */
class LaunchPacingFieldsTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Test
    void leasingTheLaunchCommandRecordsTheCallTimeOnTheRowAndTheApiShowsIt() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        Map<String, Object> launched = post(ACME_TOKEN, "/api/client/instances/launch", Map.of(
                "agent_id", "acme-http", "instance_type", "t3.micro", "request_id", "pacing-fields-1"))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        String instanceId = (String) launched.get("instance_id");
        assertThat(launched).containsEntry("launch_queued_reason", null).containsEntry("launch_call_at", null);

        Instant beforeLease = Instant.now();
        assertThat(agent.poll()).hasSize(1);

        await("launch_call_at recorded").atMost(Duration.ofSeconds(20)).until(() ->
                show(instanceId).get("launch_call_at") != null);
        Map<String, Object> shown = show(instanceId);
        assertThat(shown).containsEntry("status", "launching").containsEntry("launch_queued_reason", null);
        assertThat(Instant.parse((String) shown.get("launch_call_at"))).isAfterOrEqualTo(beforeLease.minusSeconds(1));

        List<Map<String, Object>> history = get(ACME_TOKEN, "/api/client/instances/{id}/events", instanceId)
                .exchange().expectStatus().isOk().expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();
        assertThat(history).extracting(e -> e.get("type")).as("a launch that never waited gets no event for its call")
                .containsExactly("INSTANCE_LAUNCHING");

        Map<String, Object> listed = get(ACME_TOKEN, "/api/client/instances").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(listed.toString()).contains("launch_call_at");
        agent.confirmLaunched(instanceId, "i-0aaaabbbbccccdddd").expectStatus().isOk();
    }

    @Test
    void alternativesAreAcceptedAndPartOfTheRequestsIdentity() {
        // Another agent than the lease test's, so neither sees the other's command.
        Map<String, Object> body = Map.of("agent_id", "acme-http-2", "instance_type", "m5.large",
                "request_id", "alternatives-1", "alternatives", List.of(
                        Map.of("instance_type", "c5.large", "subnet_id", "subnet-0b"), Map.of("instance_type", "r5.large")));
        Map<String, Object> launched = post(ACME_TOKEN, "/api/client/instances/launch", body).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(launched).containsEntry("instance_type", "m5.large").containsKey("launched_with")
                .containsKey("skipped_alternatives");
        post(ACME_TOKEN, "/api/client/instances/launch", body).exchange().expectStatus().isAccepted();
        post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http-2", "instance_type", "m5.large",
                "request_id", "alternatives-1", "alternatives", List.of(Map.of("instance_type", "c5.large"))))
                .exchange().expectStatus().isEqualTo(409);
    }

    private Map<String, Object> show(String instanceId) {
        return get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }
}
