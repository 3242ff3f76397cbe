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
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Terminating: while launching (no leak), by either id, repeated, and after the end. */
class TerminateTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() { };

    @Test
    void terminateWhileLaunchingIsAcceptedAtOnceAndTheInstanceIsTerminatedOnceItsLaunchIsConfirmed() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("acme-http", "terminate-while-launching");

        Map<String, Object> terminating = post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(terminating).containsEntry("instance_id", instanceId).containsEntry("status", "terminating")
                .containsEntry("ec2_instance_id", null);
        assertThat(terminating.get("termination_requested_at")).isNotNull();

        // The agent may already be launching: it still gets the launch, and its instance is not leaked.
        List<Map<String, Object>> commands = agent.poll();
        assertThat(commands).filteredOn(c -> instanceId.equals(c.get("instance_id")))
                .extracting(c -> c.get("command_type")).containsExactly("LAUNCH_INSTANCE");
        String ec2Id = "i-0feedfacecafe0001";
        Map<String, Object> confirmed = agent.confirmLaunched(instanceId, ec2Id).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(confirmed).containsEntry("ec2_instance_id", ec2Id).containsEntry("status", "terminating");

        Map<String, Object> terminate = awaitCommand(agent, instanceId, "TERMINATE_INSTANCE");
        assertThat(terminate).containsEntry("priority", 100);
        assertThat(metadata(terminate)).containsEntry("ec2_instance_id", ec2Id);

        agent.confirmTerminated(instanceId, ec2Id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated")
                .jsonPath("$.termination_duration_seconds").isNumber();
        Map<String, Object> shown = instance(instanceId);
        assertThat(shown).containsEntry("status", "terminated").containsEntry("ec2_instance_id", ec2Id);
        assertThat(shown.get("termination_confirmed_at")).isNotNull();

        List<Map<String, Object>> history = history(instanceId);
        assertThat(history).extracting(e -> e.get("type")).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        assertThat(history.get(1)).containsEntry("reason", "requested by client");
        assertThat(data(history.get(1))).containsEntry("ec2_instance_id", null);
        assertThat(data(history.get(2))).as("the EC2 id attached while terminating").containsEntry("ec2_instance_id", ec2Id);
        assertThat(data(history.get(3))).containsEntry("ec2_instance_id", ec2Id).containsEntry("status", "terminated");
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'TERMINATE_INSTANCE' AND instance_id = '"
                + instanceId + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM commands WHERE instance_id = '" + instanceId
                + "' AND status <> 'COMPLETED'")).as("both commands closed").isZero();
    }

    @Test
    void terminateByEc2IdThenAgainWhileTerminatingAnswersTheSame202AndOnceTerminated200() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String instanceId = launch("acme-http-2", "terminate-by-ec2-id");
        String ec2Id = "i-0feedfacecafe0002";
        agent.confirmLaunched(instanceId, ec2Id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("running_primary");

        Map<String, Object> first = post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, ec2Id)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(first).containsEntry("instance_id", instanceId).containsEntry("ec2_instance_id", ec2Id)
                .containsEntry("status", "terminating");
        assertThat(first.get("termination_requested_at")).isNotNull();

        Map<String, Object> again = post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        Map<String, Object> againWithBody = post(ACME_TOKEN, "/api/client/instances/{id}/terminate",
                Map.of("request_id", "another-termination", "reason", "twice"), ec2Id)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(again).as("again while terminating: the same 202").isEqualTo(first);
        assertThat(againWithBody).isEqualTo(first);

        Map<String, Object> terminate = awaitCommand(agent, instanceId, "TERMINATE_INSTANCE");
        assertThat(metadata(terminate)).containsEntry("ec2_instance_id", ec2Id);
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'TERMINATE_INSTANCE' AND instance_id = '"
                + instanceId + "'")).as("a repeated terminate queues nothing more").isEqualTo(1);

        Map<String, Object> terminated = agent.confirmTerminated(ec2Id, ec2Id).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(terminated).containsEntry("instance_id", instanceId).containsEntry("status", "terminated");
        assertThat(agent.confirmTerminated(instanceId, ec2Id).expectStatus().isOk().expectBody(JSON).returnResult()
                .getResponseBody()).as("a repeated confirmation answers the same").isEqualTo(terminated);

        String before = tables();
        for (String id : List.of(instanceId, ec2Id)) {
            post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, id).exchange()
                    .expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("terminated")
                    .jsonPath("$.instance_id").isEqualTo(instanceId);
        }
        assertThat(tables()).as("terminating a terminated instance writes nothing").isEqualTo(before);
        assertThat(history(instanceId)).extracting(e -> e.get("type")).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_RUNNING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
    }

    @Test
    void concurrentTerminateRequestsStartOneTermination() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String running = launch("acme-http", "terminate-concurrent-running");
        agent.confirmLaunched(running, "i-0feedfacecafe0003").expectStatus().isOk();
        String launching = launch("acme-http", "terminate-concurrent-launching");

        for (String instanceId : List.of(running, launching)) {
            List<ResponseEntity<Map<String, Object>>> responses = Flux.range(0, 10)
                    .flatMap(i -> web().post().uri("/api/client/instances/{id}/terminate", instanceId)
                            .exchangeToMono(r -> r.toEntity(JSON)))
                    .collectList().block(Duration.ofSeconds(60));

            assertThat(responses).allSatisfy(r -> assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody()))
                    .isEqualTo(202));
            assertThat(responses).extracting(r -> r.getBody().get("status")).containsOnly("terminating");
            assertThat(responses.stream().map(r -> r.getBody().get("termination_requested_at")).distinct().toList())
                    .as("one termination request won").hasSize(1);
            assertThat(count("SELECT count(*) FROM events WHERE event_type = 'INSTANCE_TERMINATING' AND instance_id = '"
                    + instanceId + "'")).isEqualTo(1);
        }
        awaitCommand(agent, running, "TERMINATE_INSTANCE");
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'TERMINATE_INSTANCE' AND instance_id = '"
                + running + "'")).isEqualTo(1);
    }

    private WebClient web() {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port).defaultHeaders(h -> h.setBearerAuth(ACME_TOKEN)).build();
    }

    private String launch(String agentId, String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    private Map<String, Object> instance(String id) {
        return get(ACME_TOKEN, "/api/client/instances/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private List<Map<String, Object>> history(String id) {
        return get(ACME_TOKEN, "/api/client/instances/{id}/events", id).exchange().expectStatus().isOk()
                .expectBody(LIST).returnResult().getResponseBody();
    }

    /** Polls as the agent does until a command of that type for the instance is handed out (bounded). */
    private static Map<String, Object> awaitCommand(HttpAgent agent, String instanceId, String type) {
        AtomicReference<Map<String, Object>> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }
}
