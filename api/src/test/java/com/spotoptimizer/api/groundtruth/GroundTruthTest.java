package com.spotoptimizer.api.groundtruth;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/** EC2 ended an instance without us: the record follows the ground truth an agent reports. */
class GroundTruthTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() { };

    @Test
    void spotInstanceReclaimedByEc2BecomesTerminatedWithItsReasonAndAnEvent() {
        String instanceId = running("reclaimed", "i-0abcabcabcabcab01");

        report("i-0abcabcabcabcab01", "terminated", "spot_interruption").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated")
                .jsonPath("$.reason").isEqualTo("spot_interruption")
                .jsonPath("$.changed").isEqualTo(true);

        Map<String, Object> shown = get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(shown).containsEntry("status", "terminated").containsEntry("ec2_instance_id", "i-0abcabcabcabcab01");
        assertThat(shown.get("termination_confirmed_at")).isNotNull();
        List<Map<String, Object>> history = get(ACME_TOKEN, "/api/client/instances/{id}/events", instanceId).exchange()
                .expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody();
        assertThat(history.get(history.size() - 1)).containsEntry("type", "INSTANCE_TERMINATED")
                .containsEntry("reason", "spot_interruption");

        String before = tables();
        report("i-0abcabcabcabcab01", "terminated", "spot_interruption").expectStatus().isOk().expectBody()
                .jsonPath("$.changed").isEqualTo(false);
        assertThat(tables()).as("a repeated report writes nothing").isEqualTo(before);
    }

    @Test
    void instanceTerminatedOutsideTheControlPlaneIsTerminatedOutside() {
        running("console-terminated", "i-0abcabcabcabcab02");

        report("i-0abcabcabcabcab02", "shutting-down", "terminated_outside").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated")
                .jsonPath("$.reason").isEqualTo("terminated_outside");
    }

    @Test
    void reportsAboutUnknownOrOtherAgentsInstancesOrWithBadValuesChangeNothing() {
        running("someone-elses", "i-0abcabcabcabcab03");
        String before = tables();

        post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/instance-state", Map.of("ec2_instance_id",
                "i-0abcabcabcabcab03", "state", "terminated", "reason", "spot_interruption"))
                .exchange().expectStatus().isNotFound();
        report("i-09999999999999999", "terminated", "spot_interruption").expectStatus().isNotFound();
        report("i-0abcabcabcabcab03", "running", "spot_interruption").expectStatus().isBadRequest();
        report("i-0abcabcabcabcab03", "terminated", "because").expectStatus().isBadRequest();
        post(RIVAL_AGENT_TOKEN, "/api/agents/acme-http/instance-state", Map.of("ec2_instance_id",
                "i-0abcabcabcabcab03", "state", "terminated", "reason", "spot_interruption"))
                .exchange().expectStatus().isNotFound();

        assertThat(tables()).isEqualTo(before);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec report(String ec2Id, String state,
                                                                                           String reason) {
        return post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-state",
                Map.of("ec2_instance_id", ec2Id, "state", state, "reason", reason)).exchange();
    }

    private String running(String requestId, String ec2Id) {
        String instanceId = (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
        new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN).confirmLaunched(instanceId, ec2Id).expectStatus().isOk();
        return instanceId;
    }
}
