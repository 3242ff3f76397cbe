package com.spotoptimizer.api.instance;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** A launch's request_id identifies it: repeats join the first launch, a reused id with another body is refused. */
class LaunchIdempotencyTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Autowired
    private WorkflowClient workflowClient;

    @Test
    void theSameRequestIdTwiceAnswersTheSameInstanceAndCreatesNothingNew() {
        Map<String, Object> body = launchBody("idem-twice", "t3.micro", "primary", Map.of("team", "web"));

        Map<String, Object> first = launch(body);
        Map<String, Object> second = launch(body);

        assertThat(first).containsEntry("status", "launching").containsEntry("request_id", "idem-twice");
        assertThat(second.get("instance_id")).isEqualTo(first.get("instance_id"));
        assertThat(second).as("the same request answers the same response").isEqualTo(first);
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = 'idem-twice'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM commands WHERE request_id = 'idem-twice'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'INSTANCE_LAUNCHING' AND instance_id = '"
                + first.get("instance_id") + "'")).isEqualTo(1);
        assertThat(launchWorkflowRuns("idem-twice")).as("one launch workflow execution").hasSize(1);
    }

    @Test
    void twentyConcurrentIdenticalRequestsAllGetTheSameInstanceAndOneLaunchHappens() {
        Map<String, Object> body = launchBody("idem-concurrent", "m5.large", "replica", Map.of("shard", "7"));
        WebClient web = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeaders(h -> h.setBearerAuth(ACME_TOKEN)).build();

        List<ResponseEntity<Map<String, Object>>> responses = Flux.range(0, 20)
                .flatMap(i -> web.post().uri("/api/client/instances/launch").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body).exchangeToMono(r -> r.toEntity(JSON)))
                .collectList()
                .block(Duration.ofSeconds(90));

        assertThat(responses).hasSize(20);
        assertThat(responses).allSatisfy(r -> assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody()))
                .isEqualTo(202));
        assertThat(responses.stream().map(r -> r.getBody().get("instance_id")).distinct().toList()).hasSize(1);
        String instanceId = (String) responses.get(0).getBody().get("instance_id");
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = 'idem-concurrent'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'LAUNCH_INSTANCE'"
                + " AND request_id = 'idem-concurrent'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE event_type = 'INSTANCE_LAUNCHING' AND instance_id = '"
                + instanceId + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE instance_id = '" + instanceId + "'")).isEqualTo(1);
        assertThat(launchWorkflowRuns("idem-concurrent")).as("one launch workflow execution").hasSize(1);
    }

    @Test
    void theSameRequestIdWithAnotherBodyIsAConflictAndWritesNothing() {
        Map<String, Object> original = launchBody("idem-reused", "t3.micro", "primary", Map.of("team", "web"));
        Map<String, Object> launched = launch(original);
        String before = tables();

        List<Map<String, Object>> others = List.of(
                launchBody("idem-reused", "t3.small", "primary", Map.of("team", "web")),
                launchBody("idem-reused", "t3.micro", "replica", Map.of("team", "web")),
                launchBody("idem-reused", "t3.micro", "primary", Map.of("team", "db")),
                launchBody("idem-reused", "t3.micro", "primary", Map.of()),
                withAgent(original, "acme-http-2"));
        for (Map<String, Object> other : others) {
            Map<String, Object> problem = expectProblem(post(ACME_TOKEN, "/api/client/instances/launch", other).exchange(), 409);
            assertThat((String) problem.get("type")).as(other.toString()).endsWith("request-id-reused");
            assertThat((String) problem.get("detail")).contains("idem-reused");
        }

        assertThat(tables()).as("a refused reuse writes nothing").isEqualTo(before);
        assertThat(launch(original)).as("the original body is still answered as before").isEqualTo(launched);
    }

    @Test
    void theSameBodyWithMetadataKeysInAnotherOrderIsTheSameRequest() {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("a", "1");
        tags.put("b", "2");
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("b", "2");
        reordered.put("a", "1");

        Map<String, Object> first = launch(launchBody("idem-order", "t3.micro", "primary", tags));
        Map<String, Object> second = launch(launchBody("idem-order", "t3.micro", "primary", reordered));

        assertThat(second).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = 'idem-order'")).isEqualTo(1);
    }

    @Test
    void aLaunchWithoutARequestIdGetsAGeneratedOneAndEachSuchLaunchIsNew() {
        Map<String, Object> body = Map.of("agent_id", "acme-http", "instance_type", "c5.xlarge");

        Map<String, Object> first = launch(body);
        Map<String, Object> second = launch(body);

        String requestId = (String) first.get("request_id");
        assertThat(requestId).matches(Ids.PATTERN);
        assertThat(second.get("request_id")).isNotEqualTo(requestId);
        assertThat(second.get("instance_id")).isNotEqualTo(first.get("instance_id"));
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = '" + requestId + "' AND instance_id = '"
                + first.get("instance_id") + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM commands WHERE command_type = 'LAUNCH_INSTANCE' AND request_id = '"
                + requestId + "'")).isEqualTo(1);
        assertThat(launchWorkflowRuns(requestId)).hasSize(1);
    }

    @Test
    void requestIdsArePerClientSoAnotherClientsSameRequestIdIsAnotherLaunch() {
        Map<String, Object> acme = launch(launchBody("idem-shared", "t3.micro", "primary", Map.of()));
        Map<String, Object> rivalBody = withAgent(launchBody("idem-shared", "m5.large", "replica", Map.of()), "rival-http");

        Map<String, Object> rival = post(RIVAL_TOKEN, "/api/client/instances/launch", rivalBody).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();

        assertThat(rival.get("instance_id")).isNotEqualTo(acme.get("instance_id"));
        assertThat(rival).containsEntry("agent_id", "rival-http").containsEntry("instance_type", "m5.large");
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = 'idem-shared'")).isEqualTo(2);
    }

    @Test
    void aRequestWhoseFirstLaunchDiedBeforeRecordingAnythingIsLaunchedWhenSentAgain() {
        // A run of the launch workflow that ended before it recorded the row (here: it never got a worker, and was
        // terminated; under load: its first recording step ran out of time). The client was answered 500, "safe to
        // retry"; the retry must launch, not answer 500 for ever.
        String workflowId = WorkflowIds.launch("acme", "idem-died-early");
        io.temporal.client.WorkflowStub dead = workflowClient.newUntypedWorkflowStub("LaunchInstanceWorkflow",
                io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId(workflowId)
                        .setTaskQueue("no-worker-polls-this").build());
        dead.start((Object) null);
        dead.terminate("died before recording the launch");

        Map<String, Object> launched = launch(launchBody("idem-died-early", "t3.micro", "primary", Map.of()));

        assertThat(launched).containsEntry("status", "launching").containsEntry("request_id", "idem-died-early");
        assertThat(count("SELECT count(*) FROM instances WHERE request_id = 'idem-died-early'")).isEqualTo(1);
        assertThat(launch(launchBody("idem-died-early", "t3.micro", "primary", Map.of())))
                .containsEntry("instance_id", launched.get("instance_id"));
    }

    private Map<String, Object> launch(Map<String, Object> body) {
        return post(ACME_TOKEN, "/api/client/instances/launch", body).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    private static Map<String, Object> launchBody(String requestId, String instanceType, String role, Map<String, Object> tags) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", "acme-http");
        body.put("instance_type", instanceType);
        body.put("request_id", requestId);
        body.put("role", role);
        body.put("metadata", Map.of("image_id", "ami-0abc", "tags", tags));
        return body;
    }

    private static Map<String, Object> withAgent(Map<String, Object> body, String agentId) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put("agent_id", agentId);
        return copy;
    }

    /** Every execution (open or closed) of the launch workflow of acme's request. */
    private List<WorkflowExecution> launchWorkflowRuns(String requestId) {
        String workflowId = WorkflowIds.launch("acme", requestId);
        String namespace = workflowClient.getOptions().getNamespace();
        WorkflowExecutionFilter filter = WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId).build();
        var stub = workflowClient.getWorkflowServiceStubs().blockingStub();
        List<WorkflowExecutionInfo> open = stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setExecutionFilter(filter).setMaximumPageSize(100).build()).getExecutionsList();
        List<WorkflowExecutionInfo> closed = stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setExecutionFilter(filter).setMaximumPageSize(100).build()).getExecutionsList();
        return Stream.concat(open.stream(), closed.stream()).map(WorkflowExecutionInfo::getExecution)
                .filter(e -> e.getWorkflowId().equals(workflowId)).toList();
    }
}
