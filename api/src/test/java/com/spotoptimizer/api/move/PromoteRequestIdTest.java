package com.spotoptimizer.api.move;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * A promote's request_id names one promotion, as a launch's does: the same body again (instance and
 * demote_primary_to) answers as the first did, running or finished; another body is a 409 {@code request-id-reused}
 * that writes nothing and starts nothing. Real HTTP, with the seed's HTTP agent confirming.
 */
class PromoteRequestIdTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Autowired
    private WorkflowClient workflowClient;

    @Test
    void aFinishedPromotionsRequestIdWithAnotherInstanceOrDemotionIsAConflictThatChangesNothing() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String primary = running(agent, "done-primary", null, "i-0000000000000c001");
        String replica = running(agent, "done-replica", primary, "i-0000000000000c002");
        String other = running(agent, "done-other", primary, "i-0000000000000c003");
        promote(replica, Map.of("request_id", "reuse-done")).expectStatus().isAccepted();
        awaitStatus(replica, "running_primary");
        awaitStatus(primary, "running_replica");
        await().atMost(Duration.ofSeconds(20)).until(() -> !promotionRunning("reuse-done"));
        String before = tables();

        Map<String, Object> otherInstance = expectProblem(promote(other, Map.of("request_id", "reuse-done")), 409);
        Map<String, Object> otherDemotion = expectProblem(promote(replica,
                Map.of("request_id", "reuse-done", "demote_primary_to", "terminated")), 409);

        for (Map<String, Object> problem : List.of(otherInstance, otherDemotion)) {
            assertThat((String) problem.get("type")).endsWith("/request-id-reused");
            assertThat(problem).containsEntry("recorded_instance_id", replica)
                    .containsEntry("recorded_demote_primary_to", "replica");
            assertThat((String) problem.get("detail")).contains("reuse-done");
        }
        assertThat(tables()).as("a refused reuse writes nothing").isEqualTo(before);
        assertThat(instance(other)).containsEntry("status", "running_replica").containsEntry("role", "replica");
        assertThat(instance(primary)).containsEntry("status", "running_replica");
        assertThat(promotionRuns("reuse-done")).as("no second promotion").hasSize(1);
        assertThat(workflowExists(WorkflowIds.terminate(primary))).as("no termination of the old primary").isFalse();

        // The same body again, the replica named by its stable or its EC2 id, demote_primary_to left to its default
        // or spelled out: the answer a repeat of a finished promotion always got, and still nothing written.
        Map<String, Object> now = instance(replica);
        assertThat(accepted(promote(replica, Map.of("request_id", "reuse-done")))).isEqualTo(now);
        assertThat(accepted(promote("i-0000000000000c002",
                Map.of("request_id", "reuse-done", "demote_primary_to", "replica")))).isEqualTo(now);
        assertThat(tables()).isEqualTo(before);
        assertThat(promotionRuns("reuse-done")).hasSize(1);
    }

    @Test
    void aRunningPromotionsRequestIdWithAnotherBodyIsAConflictAndTheSameBodyJoinsIt() {
        HttpAgent agent = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        String primary = running(agent, "live-primary", null, "i-0000000000000c101");
        String replica = running(agent, "live-replica", primary, "i-0000000000000c102");
        String other = running(agent, "live-other", primary, "i-0000000000000c103");
        Map<String, Object> body = Map.of("request_id", "reuse-live", "demote_primary_to", "terminated");

        Map<String, Object> first = accepted(promote(replica, body));
        assertThat(first.get("status")).isIn("promoting", "running_primary");
        // The promotion now waits for the agent to confirm the old primary's termination: it keeps running.
        awaitStatus(replica, "running_primary");
        awaitStatus(primary, "terminating");
        assertThat(promotionRunning("reuse-live")).isTrue();
        String before = tables();

        List<WebTestClient.ResponseSpec> reuses = List.of(
                promote(other, body),
                promote(replica, Map.of("request_id", "reuse-live", "demote_primary_to", "replica")),
                promote(replica, Map.of("request_id", "reuse-live")));
        for (WebTestClient.ResponseSpec reuse : reuses) {
            Map<String, Object> problem = expectProblem(reuse, 409);
            assertThat((String) problem.get("type")).endsWith("/request-id-reused");
            assertThat(problem).containsEntry("recorded_instance_id", replica)
                    .containsEntry("recorded_demote_primary_to", "terminated");
        }
        assertThat(tables()).as("a refused reuse writes nothing").isEqualTo(before);
        assertThat(instance(other)).containsEntry("status", "running_replica");
        assertThat(promotionRuns("reuse-live")).as("no second promotion").hasSize(1);

        assertThat(accepted(promote(replica, body))).as("the same body joins the running promotion")
                .isEqualTo(instance(replica));
        assertThat(tables()).isEqualTo(before);

        agent.poll();
        agent.confirmTerminated(primary, "i-0000000000000c101").expectStatus().isOk();
        awaitStatus(primary, "terminated");
        await().atMost(Duration.ofSeconds(20)).until(() -> !promotionRunning("reuse-live"));
        assertThat(accepted(promote(replica, body))).as("and the finished one").isEqualTo(instance(replica));
        expectProblem(promote(other, body), 409);
        assertThat(promotionRuns("reuse-live")).hasSize(1);
        assertThat(instance(other)).containsEntry("status", "running_replica");
    }

    @Test
    void concurrentPromotesOfTwoReplicasUnderOneRequestIdStartOnePromotionAndRefuseTheOther() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String primary = running(agent, "race-primary", null, "i-0000000000000c201");
        String first = running(agent, "race-first", primary, "i-0000000000000c202");
        String second = running(agent, "race-second", primary, "i-0000000000000c203");
        WebClient web = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeaders(h -> h.setBearerAuth(ACME_TOKEN)).build();

        List<ResponseEntity<Map<String, Object>>> answers = Flux.just(first, second)
                .flatMap(id -> web.post().uri("/api/client/instances/{id}/promote", id)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("request_id", "reuse-race"))
                        .exchangeToMono(r -> r.toEntity(JSON)))
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(answers).extracting(r -> r.getStatusCode().value()).as(String.valueOf(answers))
                .containsExactlyInAnyOrder(202, 409);
        ResponseEntity<Map<String, Object>> refused = answers.stream()
                .filter(r -> r.getStatusCode().value() == 409).findFirst().orElseThrow();
        assertThat((String) refused.getBody().get("type")).endsWith("/request-id-reused");
        String promoted = (String) answers.stream().filter(r -> r.getStatusCode().value() == 202).findFirst()
                .orElseThrow().getBody().get("instance_id");
        String loser = promoted.equals(first) ? second : first;
        assertThat(refused.getBody()).containsEntry("recorded_instance_id", promoted);
        awaitStatus(promoted, "running_primary");
        assertThat(instance(loser)).containsEntry("status", "running_replica");
        assertThat(promotionRuns("reuse-race")).hasSize(1);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A running instance; a replica names the primary it stands in for, so tests sharing an agent don't mix. */
    private String running(HttpAgent agent, String requestId, String replicaOf, String ec2) {
        Map<String, Object> metadata = replicaOf == null ? Map.of() : Map.of("replica_of", replicaOf);
        Map<String, Object> launch = Map.of("agent_id", agent.agentId(), "instance_type", "m5.large",
                "request_id", requestId, "role", replicaOf == null ? "primary" : "replica", "metadata", metadata);
        String id = (String) accepted(post(ACME_TOKEN, "/api/client/instances/launch", launch).exchange())
                .get("instance_id");
        agent.poll();
        agent.confirmLaunched(id, ec2).expectStatus().isOk();
        awaitStatus(id, replicaOf == null ? "running_primary" : "running_replica");
        return id;
    }

    private WebTestClient.ResponseSpec promote(String instanceId, Map<String, Object> body) {
        return post(ACME_TOKEN, "/api/client/instances/{id}/promote", body, instanceId).exchange();
    }

    private static Map<String, Object> accepted(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> instance(String instanceId) {
        return get(ACME_TOKEN, "/api/client/instances/{id}", instanceId).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private void awaitStatus(String instanceId, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(instance(instanceId).get("status")));
    }

    private boolean promotionRunning(String requestId) {
        return workflowClient.newUntypedWorkflowStub(WorkflowIds.promote("acme", requestId)).describe().getStatus()
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    private boolean workflowExists(String workflowId) {
        return !runs(workflowId).isEmpty();
    }

    /** Every execution (open or closed) of acme's promotion with this request id. */
    private List<WorkflowExecutionInfo> promotionRuns(String requestId) {
        return runs(WorkflowIds.promote("acme", requestId));
    }

    private List<WorkflowExecutionInfo> runs(String workflowId) {
        String namespace = workflowClient.getOptions().getNamespace();
        WorkflowExecutionFilter filter = WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId).build();
        var stub = workflowClient.getWorkflowServiceStubs().blockingStub();
        List<WorkflowExecutionInfo> open = stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setExecutionFilter(filter).setMaximumPageSize(100).build()).getExecutionsList();
        List<WorkflowExecutionInfo> closed = stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest
                .newBuilder().setNamespace(namespace).setExecutionFilter(filter).setMaximumPageSize(100).build())
                .getExecutionsList();
        return Stream.concat(open.stream(), closed.stream())
                .filter(e -> e.getExecution().getWorkflowId().equals(workflowId)).toList();
    }
}
