package com.spotoptimizer.api.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/** The seed's launch and termination flows, driven as the seed's HTTP agent drives them. */
class SeedFlowTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Test
    void launchThenTerminateThroughTheHttpAgentProtocolRecordsEveryStateAndDuration() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);

        Map<String, Object> launched = post(ACME_TOKEN, "/api/client/instances/launch", Map.of(
                "agent_id", "acme-http", "instance_type", "t3.micro", "request_id", "seed-flow-1",
                "metadata", Map.of("image_id", "ami-0abc", "tags", Map.of("team", "web"))))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        String instanceId = (String) launched.get("instance_id");
        assertThat(launched).containsEntry("status", "launching").containsEntry("request_id", "seed-flow-1")
                .containsEntry("agent_id", "acme-http").containsEntry("role", "primary")
                .containsEntry("ec2_instance_id", null);
        assertThat(launched.get("launch_requested_at")).isNotNull();

        List<Map<String, Object>> commands = agent.poll();
        assertThat(commands).hasSize(1);
        Map<String, Object> launch = commands.get(0);
        assertThat(launch).containsEntry("command_type", "LAUNCH_INSTANCE").containsEntry("priority", 100)
                .containsEntry("instance_id", instanceId).containsEntry("request_id", "seed-flow-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) launch.get("metadata");
        assertThat(metadata).containsEntry("instance_type", "t3.micro").containsEntry("image_id", "ami-0abc");
        assertThat(((String) metadata.get("client_token"))).hasSize(64);
        assertThat(agent.poll()).as("a leased command is not handed out twice within its lease").isEmpty();

        Map<String, Object> running = agent.confirmLaunched(instanceId, "i-0123456789abcdef0")
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(running).containsEntry("status", "running_primary").containsEntry("ec2_instance_id", "i-0123456789abcdef0");
        assertThat((Double) running.get("launch_duration_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(agent.confirmLaunched(instanceId, "i-0123456789abcdef0").expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody()).as("a repeated confirmation answers the same")
                .isEqualTo(running);

        Map<String, Object> shown = get(ACME_TOKEN, "/api/client/instances/{id}", instanceId)
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(shown).containsEntry("status", "running_primary").containsEntry("launch_duration_seconds",
                running.get("launch_duration_seconds"));
        assertThat(shown.get("launch_confirmed_at")).isNotNull();

        Map<String, Object> terminating = post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, "i-0123456789abcdef0")
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(terminating).containsEntry("status", "terminating").containsEntry("instance_id", instanceId);
        assertThat(terminating.get("termination_requested_at")).isNotNull();
        post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId)
                .exchange().expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("terminating");

        List<Map<String, Object>> termination = agent.poll();
        assertThat(termination).hasSize(1);
        assertThat(termination.get(0)).containsEntry("command_type", "TERMINATE_INSTANCE").containsEntry("instance_id", instanceId);
        @SuppressWarnings("unchecked")
        Map<String, Object> terminateMetadata = (Map<String, Object>) termination.get(0).get("metadata");
        assertThat(terminateMetadata).containsEntry("ec2_instance_id", "i-0123456789abcdef0");

        Map<String, Object> terminated = agent.confirmTerminated(instanceId, "i-0123456789abcdef0")
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(terminated).containsEntry("status", "terminated");
        assertThat((Double) terminated.get("termination_duration_seconds")).isGreaterThanOrEqualTo(0.0);

        post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("terminated");

        List<Map<String, Object>> history = get(ACME_TOKEN, "/api/client/instances/{id}/events", instanceId)
                .exchange().expectStatus().isOk().expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();
        assertThat(history).extracting(e -> e.get("type")).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_RUNNING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        assertThat(history.get(2)).containsEntry("reason", "requested by client");
        assertThat(count("SELECT count(*) FROM commands WHERE status = 'COMPLETED'")).isEqualTo(2);
    }

    @Test
    void listCarriesTheLastEventIdItIsConsistentWith() {
        post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http-2", "instance_type", "m5.large",
                "request_id", "list-1", "role", "replica")).exchange().expectStatus().isAccepted();
        Map<String, Object> list = get(ACME_TOKEN, "/api/client/instances").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        long lastEventId = ((Number) list.get("last_event_id")).longValue();
        assertThat(lastEventId).isEqualTo(count("SELECT max(event_id) FROM events WHERE client_id = 'acme'"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> instances = (List<Map<String, Object>>) list.get("instances");
        assertThat(instances).anySatisfy(i -> assertThat(i).containsEntry("request_id", "list-1")
                .containsEntry("role", "replica").containsEntry("status", "launching"));
    }
}
