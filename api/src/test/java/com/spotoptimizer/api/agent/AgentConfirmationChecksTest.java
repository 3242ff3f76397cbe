package com.spotoptimizer.api.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** An agent's confirmation is checked against the record and the command it answers; a wrong one changes nothing. */
class AgentConfirmationChecksTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Test
    void terminationConfirmedWithAWrongEc2IdIsRefusedAndTheRecordKeepsTheRealOne() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = running(agent, "wrong-id-on-terminate", "i-0aaaaaaaaaaaaaa01");
        terminate(instanceId);
        String before = tables();

        Map<String, Object> problem = agent.confirmTerminated(instanceId, "i-0bbbbbbbbbbbbbb99")
                .expectStatus().isEqualTo(409).expectBody(JSON).returnResult().getResponseBody();

        assertThat(problem).containsEntry("recorded_ec2_instance_id", "i-0aaaaaaaaaaaaaa01");
        assertThat(tables()).isEqualTo(before);
        assertThat(instance(instanceId)).containsEntry("status", "terminating")
                .containsEntry("ec2_instance_id", "i-0aaaaaaaaaaaaaa01");
        agent.confirmTerminated(instanceId, "i-0aaaaaaaaaaaaaa01").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated")
                .jsonPath("$.ec2_instance_id").isEqualTo("i-0aaaaaaaaaaaaaa01");
    }

    @Test
    void terminationConfirmedWithAnotherLiveInstancesIdIsRefusedAndTheRightConfirmationStillEndsIt() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String liveA = running(agent, "live-a", "i-0aaaaaaaaaaaaaa02");
        String b = running(agent, "b", "i-0aaaaaaaaaaaaaa03");
        terminate(b);
        String before = tables();

        Map<String, Object> problem = agent.confirmTerminated(b, "i-0aaaaaaaaaaaaaa02")
                .expectStatus().isEqualTo(409).expectBody(JSON).returnResult().getResponseBody();

        assertThat(problem).containsEntry("recorded_ec2_instance_id", "i-0aaaaaaaaaaaaaa03");
        assertThat(tables()).isEqualTo(before);
        assertThat(instance(liveA)).containsEntry("status", "running_primary");
        assertThat(instance(b)).containsEntry("status", "terminating").containsEntry("ec2_instance_id", "i-0aaaaaaaaaaaaaa03");
        agent.confirmTerminated(b, "i-0aaaaaaaaaaaaaa03").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated");
        assertThat(instance(liveA)).containsEntry("status", "running_primary").containsEntry("ec2_instance_id",
                "i-0aaaaaaaaaaaaaa02");
    }

    @Test
    void launchConfirmationWithAnotherInstancesEc2IdIsRefused() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        running(agent, "holder", "i-0aaaaaaaaaaaaaa04");
        String other = launch("acme-http-2", "claimer");
        String before = tables();

        Map<String, Object> problem = agent.confirmLaunched(other, "i-0aaaaaaaaaaaaaa04")
                .expectStatus().isEqualTo(409).expectBody(JSON).returnResult().getResponseBody();

        assertThat(problem.get("type").toString()).endsWith("/ec2-id-conflict");
        assertThat(tables()).isEqualTo(before);
        agent.confirmLaunched(other, "i-0aaaaaaaaaaaaaa05").expectStatus().isOk();
    }

    @Test
    void ofEightRacingLaunchConfirmationsExactlyOneGets200AndTheOthersLearnTheWinner() throws Exception {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("acme-http", "eight-racers");
        ExecutorService racers = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<EntityExchangeResult<Map<String, Object>>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String ec2Id = "i-0cccccccccccccc0" + i;
            answers.add(racers.submit(() -> {
                go.await();
                return agent.confirmLaunched(instanceId, ec2Id).expectBody(JSON).returnResult();
            }));
        }
        go.countDown();
        List<EntityExchangeResult<Map<String, Object>>> results = new ArrayList<>();
        for (var answer : answers) {
            results.add(answer.get());
        }
        racers.shutdown();

        List<EntityExchangeResult<Map<String, Object>>> ok = results.stream()
                .filter(r -> r.getStatus().value() == 200).toList();
        assertThat(ok).hasSize(1);
        String winner = (String) ok.get(0).getResponseBody().get("ec2_instance_id");
        assertThat(results).filteredOn(r -> r.getStatus().value() != 200).hasSize(7)
                .allSatisfy(r -> {
                    assertThat(r.getStatus().value()).isEqualTo(409);
                    assertThat(r.getResponseBody()).containsEntry("recorded_ec2_instance_id", winner);
                });
        assertThat(instance(instanceId)).containsEntry("ec2_instance_id", winner).containsEntry("status", "running_primary");
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'INSTANCE_RUNNING' AND instance_id = '"
                + instanceId + "'")).isEqualTo(1);
    }

    @Test
    void launchConfirmationNamingAnotherRequestIsRefused() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("acme-http", "request-checked");
        String before = tables();

        post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", instanceId,
                "ec2_instance_id", "i-0ddddddddddddddd1", "request_id", "someone-elses", "state", "running"))
                .exchange().expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.recorded_request_id").isEqualTo("request-checked");

        assertThat(tables()).isEqualTo(before);
        agent.confirmLaunched(instanceId, "i-0ddddddddddddddd1").expectStatus().isOk();
    }

    @Test
    void confirmationOnATerminatedInstanceWithAnotherEc2IdIsRefused() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = running(agent, "terminated-then-other-id", "i-0eeeeeeeeeeeeee01");
        terminate(instanceId);
        agent.confirmTerminated(instanceId, "i-0eeeeeeeeeeeeee01").expectStatus().isOk();

        agent.confirmTerminated(instanceId, "i-0eeeeeeeeeeeeee02").expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.recorded_ec2_instance_id").isEqualTo("i-0eeeeeeeeeeeeee01");
        agent.confirmTerminated(instanceId, "i-0eeeeeeeeeeeeee01").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("terminated");
    }

    @Test
    void emergencyForAnInstanceTheAgentDoesNotOwnIsRefusedAndAnnouncesNothing() {
        running(new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN), "other-agents", "i-0fffffffffffffff1");
        String before = tables();

        for (String ec2Id : List.of("i-0fffffffffffffff1", "i-0123456789abcdef9")) {
            post(ACME_AGENT_TOKEN, "/api/agents/acme-http/emergency", Map.of("kind", "SPOT_INTERRUPTION",
                    "ec2_instance_id", ec2Id)).exchange().expectStatus().isNotFound()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }

        assertThat(tables()).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'EMERGENCY_EVENT'")).isZero();
    }

    private String running(HttpAgent agent, String requestId, String ec2Id) {
        String instanceId = launch(agent.agentId(), requestId);
        agent.confirmLaunched(instanceId, ec2Id).expectStatus().isOk();
        return instanceId;
    }

    private String launch(String agentId, String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    private void terminate(String instanceId) {
        post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId).exchange()
                .expectStatus().isAccepted();
    }

    private Map<String, Object> instance(String id) {
        return get(ACME_TOKEN, "/api/client/instances/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }
}
