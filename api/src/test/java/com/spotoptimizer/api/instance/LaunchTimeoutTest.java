package com.spotoptimizer.api.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.TestPropertySource;

/**
 * Nothing stuck, nothing leaked: unconfirmed launches and terminations end in their failure states, and an
 * instance confirmed after its launch timed out is terminated, not adopted. Timeouts shortened to seconds.
 */
@TestPropertySource(properties = {"spot.lifecycle.launch-timeout=2s",
        "spot.lifecycle.late-confirmation-window=20s", "spot.lifecycle.termination-timeout=2s"})
class LaunchTimeoutTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() { };
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void aLaunchNobodyConfirmsEndsLaunchTimedOutWithAReasonAndItsCommandIsWithdrawn() {
        String instanceId = launch("acme-http", ACME_TOKEN, "timeout-unconfirmed");

        Map<String, Object> timedOut = awaitStatus(ACME_TOKEN, instanceId, "launch_timed_out");

        assertThat((String) timedOut.get("failure_reason")).isNotBlank().contains("2s");
        assertThat(timedOut.get("ec2_instance_id")).isNull();
        List<Map<String, Object>> history = history(ACME_TOKEN, instanceId);
        assertThat(history).extracting(e -> e.get("type")).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_TIMED_OUT");
        assertThat((String) history.get(1).get("reason")).isNotBlank();
        assertThat(history.get(1)).containsEntry("status", "launch_timed_out");

        assertThat(new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN).poll())
                .as("an agent polling after the timeout does not get the launch")
                .noneMatch(c -> instanceId.equals(c.get("instance_id")));
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = 'launch-" + instanceId + "'"
                + " AND status IN ('QUEUED', 'DELIVERED')")).isZero();
    }

    @Test
    void aLaunchConfirmedAfterItsTimeoutIsTerminatedNotAdopted() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String instanceId = launch("acme-http-2", ACME_TOKEN, "timeout-late");
        awaitStatus(ACME_TOKEN, instanceId, "launch_timed_out");

        String ec2Id = "i-0aaaaaaaaaaaaaaa1";
        Map<String, Object> late = agent.confirmLaunched(instanceId, ec2Id).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(late).containsEntry("ec2_instance_id", ec2Id);
        assertThat(late.get("status")).as("not adopted").isNotIn("running_primary", "running_replica");

        // The termination waits 2 s for its confirmation: answer as soon as the command is out.
        Map<String, Object> terminate = awaitCommand(agent, instanceId, "TERMINATE_INSTANCE");
        assertThat(metadata(terminate)).containsEntry("ec2_instance_id", ec2Id);
        Map<String, Object> row = instance(ACME_TOKEN, instanceId);
        assertThat(row).containsEntry("ec2_instance_id", ec2Id).containsEntry("status", "terminating");
        agent.confirmTerminated(instanceId, ec2Id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated");

        Map<String, Object> terminated = instance(ACME_TOKEN, instanceId);
        assertThat(terminated).containsEntry("status", "terminated").containsEntry("ec2_instance_id", ec2Id);
        assertThat(history(ACME_TOKEN, instanceId)).extracting(e -> e.get("type")).containsSubsequence(
                "INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_TIMED_OUT", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED")
                .doesNotContain("INSTANCE_RUNNING").last().isEqualTo("INSTANCE_TERMINATED");
    }

    @Test
    void aTerminationNobodyConfirmsEndsTerminationTimedOutAndMayBeRequestedAgain() {
        HttpAgent agent = new HttpAgent(http, "rival-http", RIVAL_AGENT_TOKEN);
        String instanceId = launch("rival-http", RIVAL_TOKEN, "timeout-termination");
        String ec2Id = "i-0bbbbbbbbbbbbbbb2";
        agent.confirmLaunched(instanceId, ec2Id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("running_primary");

        post(RIVAL_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("terminating");
        Map<String, Object> timedOut = awaitStatus(RIVAL_TOKEN, instanceId, "termination_timed_out");

        assertThat((String) timedOut.get("failure_reason")).isNotBlank();
        assertThat(history(RIVAL_TOKEN, instanceId)).extracting(e -> e.get("type")).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_RUNNING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATION_TIMED_OUT");
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'TERMINATE_INSTANCE' AND instance_id = '"
                + instanceId + "' AND status IN ('QUEUED', 'DELIVERED')")).as("the unconfirmed command is withdrawn").isZero();

        post(RIVAL_TOKEN, "/api/client/instances/{id}/terminate", null, ec2Id).exchange()
                .expectStatus().isAccepted().expectBody()
                .jsonPath("$.status").isEqualTo("terminating")
                .jsonPath("$.instance_id").isEqualTo(instanceId);
        Map<String, Object> retry = awaitCommand(agent, instanceId, "TERMINATE_INSTANCE");
        assertThat(metadata(retry)).containsEntry("ec2_instance_id", ec2Id);
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'TERMINATE_INSTANCE' AND instance_id = '"
                + instanceId + "'")).as("a new command for the new request").isEqualTo(2);
    }

    private String launch(String agentId, String token, String requestId) {
        return (String) post(token, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    private Map<String, Object> instance(String token, String id) {
        return get(token, "/api/client/instances/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private List<Map<String, Object>> history(String token, String id) {
        return get(token, "/api/client/instances/{id}/events", id).exchange().expectStatus().isOk()
                .expectBody(LIST).returnResult().getResponseBody();
    }

    private Map<String, Object> awaitStatus(String token, String id, String status) {
        AtomicReference<Map<String, Object>> row = new AtomicReference<>();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> {
            row.set(instance(token, id));
            return status.equals(row.get().get("status"));
        });
        return row.get();
    }

    private static Map<String, Object> awaitCommand(HttpAgent agent, String instanceId, String type) {
        AtomicReference<Map<String, Object>> found = new AtomicReference<>();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(50)).until(() -> {
            agent.poll().stream().filter(c -> instanceId.equals(c.get("instance_id")) && type.equals(c.get("command_type")))
                    .findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> command) {
        return (Map<String, Object>) command.get("metadata");
    }
}
