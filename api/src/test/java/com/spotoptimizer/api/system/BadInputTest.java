package com.spotoptimizer.api.system;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

/** Every kind of bad input gets its status and a problem document, and writes nothing. */
class BadInputTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final String LAUNCH = "/api/client/instances/launch";
    private static final int LIMIT = 64 * 1024;

    /** A launching instance of acme-http, for the endpoints that need one. */
    private String instanceId;
    /** A MANUAL_SWITCH command of acme-http, for the result endpoint. */
    private String command;
    private String before;

    @BeforeEach
    void launchingInstance() {
        instanceId = (String) post(ACME_TOKEN, LAUNCH, Map.of("agent_id", "acme-http", "instance_type", "t3.micro",
                "request_id", "bad-input-target")).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
        command = (String) post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http",
                "command_type", "MANUAL_SWITCH", "request_id", "bad-input-command")).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody().get("command_id");
        before = tables();
    }

    @Test
    void malformedJsonIs400() {
        for (String body : List.of("{", "{\"agent_id\": \"acme-http\",}", "not json", "{\"agent_id\": \"acme-http\"} trailing",
                "[1, 2]", "")) {
            expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.APPLICATION_JSON, body), 400);
        }
        expectProblem(raw("/api/agents/acme-http/instance-launched", ACME_AGENT_TOKEN, MediaType.APPLICATION_JSON, "{\"instance_id\""), 400);
        expectProblem(raw("/api/client/instances/" + instanceId + "/terminate", ACME_TOKEN, MediaType.APPLICATION_JSON, "{oops"), 400);
        assertNothingWritten();
    }

    @Test
    void wrongTypesAre400AndNameTheField() {
        assertField(expectProblem(launch(with("instance_type", 5)), 400), "instance_type");
        assertField(expectProblem(launch(with("role", true)), 400), "role");
        assertField(expectProblem(launch(with("metadata", "image_id=ami-0abc")), 400), "metadata");
        assertField(expectProblem(launch(with("agent_id", List.of("acme-http"))), 400), "agent_id");
        assertField(expectProblem(launch(with("metadata", Map.of("image_id", 42))), 400), "metadata.image_id");
        assertField(expectProblem(launch(with("metadata", Map.of("tags", List.of("a")))), 400), "metadata.tags");
        assertField(expectProblem(launch(with("metadata", Map.of("tags", Map.of("team", 7)))), 400), "metadata.tags");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/commands/{id}/result",
                Map.of("success", "yes"), command).exchange(), 400), "success");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/commands/{id}/result",
                Map.of("success", 1), command).exchange(), 400), "success");
        assertNothingWritten();
    }

    @Test
    void missingRequiredFieldsAre400() {
        Map<String, Object> noAgent = launchBody();
        noAgent.remove("agent_id");
        assertField(expectProblem(launch(noAgent), 400), "agent_id");
        Map<String, Object> noType = launchBody();
        noType.remove("instance_type");
        assertField(expectProblem(launch(noType), 400), "instance_type");
        expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.APPLICATION_JSON, "{}"), 400);
        assertField(expectProblem(launch(with("agent_id", "")), 400), "agent_id");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/commands/{id}/result",
                Map.of("message", "done"), command).exchange(), 400), "success");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-launched",
                Map.of("ec2_instance_id", "i-0123456789abcdef0", "state", "running")).exchange(), 400), "instance_id");
        assertNothingWritten();
    }

    @Test
    void anUnknownTopLevelFieldIs400() {
        assertField(expectProblem(launch(with("colour", "red")), 400), "colour");
        assertField(expectProblem(launch(with("instanceType", "t3.micro")), 400), "instanceType");
        expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", instanceId,
                "ec2_instance_id", "i-0123456789abcdef0", "state", "running", "extra", 1)).exchange(), 400);
        expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/terminate", Map.of("force", true), instanceId).exchange(), 400);
        assertNothingWritten();
        assertThat(status(instanceId)).isEqualTo("launching");
    }

    @Test
    void anUnknownAgentAndAnotherClientsAgentAre404() {
        expectProblem(launch(with("agent_id", "no-such-agent")), 404);
        Map<String, Object> problem = expectProblem(launch(with("agent_id", "rival-http")), 404);
        assertThat(problem.toString()).doesNotContain("rival Inc");
        expectProblem(post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "rival-http",
                "command_type", "MANUAL_SWITCH")).exchange(), 404);
        assertNothingWritten();
    }

    @Test
    void invalidInstanceTypesRolesAndRequestIdsAre400() {
        for (Object type : List.of("t3 micro", "../etc", "T3.MICRO", "t3.", "micro", "t3.micro; rm -rf /", "x".repeat(40))) {
            assertField(expectProblem(launch(with("instance_type", type)), 400), "instance_type");
        }
        for (Object role : List.of("master", "PRIMARY", "")) {
            assertField(expectProblem(launch(with("role", role)), 400), "role");
        }
        for (Object requestId : List.of("a b", "x/../y", "r".repeat(65), "'; drop table instances;--", "", "émoji")) {
            assertField(expectProblem(launch(with("request_id", requestId)), 400), "request_id");
        }
        assertField(expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/terminate",
                Map.of("request_id", "x/../y"), instanceId).exchange(), 400), "request_id");
        assertNothingWritten();
        assertThat(count("SELECT count(*) FROM instances")).as("the instances table survived").isEqualTo(1);
    }

    @Test
    void badAlternativesAre400ProblemsAndWriteNothing() {
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            tooMany.add(Map.of("instance_type", "c5.large"));
        }
        Map<String, Object> many = expectProblem(launch(with("alternatives", tooMany)), 400);
        assertThat(String.valueOf(many.get("field"))).startsWith("alternatives");
        for (Object bad : List.of(
                List.of(Map.of("instance_type", "C5 LARGE")),
                List.of(Map.of("subnet_id", "subnet-0abc")),
                List.of(Map.of("instance_type", "c5.large", "subnet_id", "vpc-123")),
                List.of(Map.of("instance_type", "c5.large", "zone", "us-east-1a")),
                "c5.large")) {
            Map<String, Object> problem = expectProblem(launch(with("alternatives", bad)), 400);
            assertThat(problem).as(problem.toString()).containsEntry("status", 400);
            assertThat(problem.toString()).doesNotContain("Exception");
        }
        assertNothingWritten();
    }

    @Test
    void reservedTagKeysAndBadMetadataValuesAre400() {
        for (String key : List.of("aws:cloudformation:stack-name", "spot-optimizer:instance-id")) {
            assertField(expectProblem(launch(with("metadata", Map.of("tags", Map.of(key, "x")))), 400), "metadata.tags");
        }
        assertField(expectProblem(launch(with("metadata", Map.of("market", "cheap"))), 400), "metadata.market");
        assertField(expectProblem(launch(with("metadata", Map.of("image_id", ""))), 400), "metadata.image_id");
        assertNothingWritten();
    }

    @Test
    void aNulCharacterInAnyTextIs400RatherThanAFailedOrStuckWrite() {
        // PostgreSQL's text and jsonb cannot store U+0000: refused up front, never a 500 or a launch stuck retrying.
        assertField(expectProblem(launch(with("metadata", Map.of("note", "a\u0000b"))), 400), "metadata");
        assertField(expectProblem(launch(with("metadata", Map.of("tags", Map.of("team", "w\u0000b")))), 400), "metadata");
        assertField(expectProblem(launch(with("metadata", Map.of("k\u0000", "v"))), 400), "metadata");
        assertField(expectProblem(launch(with("metadata", Map.of("deep", List.of(Map.of("x", List.of("\u0000")))))), 400),
                "metadata");
        assertField(expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/terminate",
                Map.of("reason", "because\u0000"), instanceId).exchange(), 400), "reason");
        assertField(expectProblem(post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http",
                "command_type", "MANUAL_SWITCH", "metadata", Map.of("x", "\u0000"))).exchange(), 400), "metadata");
        assertField(expectProblem(post(ACME_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http",
                "command_type", "MANUAL_SWITCH", "instance_id", "i-\u0000")).exchange(), 400), "instance_id");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/commands/{id}/result",
                Map.of("success", true, "message", "ok\u0000"), command).exchange(), 400), "message");
        assertField(expectProblem(confirm(Map.of("instance_id", "a\u0000b", "ec2_instance_id", "i-0123456789abcdef0",
                "state", "running")), 400), "instance_id");
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-terminated",
                Map.of("instance_id", "a\u0000b")).exchange(), 400), "instance_id");
        assertNothingWritten();
        assertThat(status(instanceId)).isEqualTo("launching");
    }

    @Test
    void aBodyOverTheLimitIs413WithContentLength() {
        String body = oversizeLaunch();
        expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.APPLICATION_JSON, body), 413);
        expectProblem(raw("/api/agents/acme-http/instance-launched", ACME_AGENT_TOKEN, MediaType.APPLICATION_JSON, body), 413);
        assertNothingWritten();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() {
        byte[] bytes = oversizeLaunch().getBytes(StandardCharsets.UTF_8);
        int chunk = 8 * 1024;
        Flux<DataBuffer> chunks = Flux.range(0, (bytes.length + chunk - 1) / chunk)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                        Arrays.copyOfRange(bytes, i * chunk, Math.min(bytes.length, (i + 1) * chunk))));
        WebTestClient.ResponseSpec response = http.post().uri(LAUNCH).headers(h -> h.setBearerAuth(ACME_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(chunks))
                .exchange();
        expectProblem(response, 413);
        assertNothingWritten();
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        String json = "{\"agent_id\": \"acme-http\", \"instance_type\": \"t3.micro\"}";
        expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.TEXT_PLAIN, json), 415);
        expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.APPLICATION_FORM_URLENCODED, "agent_id=acme-http"), 415);
        expectProblem(raw("/api/agents/acme-http/instance-launched", ACME_AGENT_TOKEN, MediaType.TEXT_PLAIN, json), 415);
        expectProblem(raw("/api/client/instances/" + instanceId + "/terminate", ACME_TOKEN, MediaType.TEXT_PLAIN,
                "{\"request_id\": \"t-1\"}"), 415);
        assertNothingWritten();
        assertThat(status(instanceId)).isEqualTo("launching");
    }

    @Test
    void unknownInstanceIdsAre404OnGetTerminateAndEvents() {
        for (String id : List.of("6f1c2a52-7a0e-4b0c-9d55-0b7b0c6f3e21", "not-a-uuid", "i-0123456789abcdef0", "i-12345678",
                "' or 1=1--")) {
            expectProblem(get(ACME_TOKEN, "/api/client/instances/{id}", id).exchange(), 404);
            expectProblem(get(ACME_TOKEN, "/api/client/instances/{id}/events", id).exchange(), 404);
            expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, id).exchange(), 404);
            expectProblem(post(ACME_TOKEN, "/api/client/instances/{id}/terminate", Map.of("request_id", "t-1"), id)
                    .exchange(), 404);
            expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", id,
                    "ec2_instance_id", "i-0123456789abcdef0", "state", "running")).exchange(), 404);
            expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-terminated", Map.of("instance_id", id))
                    .exchange(), 404);
        }
        assertNothingWritten();
    }

    @Test
    void aUrlTheFirewallRefusesIsA400Problem() {
        // Pre-encoded: "%25" (an encoded percent sign) and "%2F" (an encoded slash) are refused before routing.
        for (String path : List.of("/api/client/instances/%2527x", "/api/client/instances/a%2Fb")) {
            expectProblem(http.get().uri(URI.create("http://127.0.0.1:" + port + path))
                    .headers(h -> h.setBearerAuth(ACME_TOKEN)).exchange(), 400);
        }
        assertNothingWritten();
    }

    @Test
    void aLaunchConfirmationWithABadEc2IdOrAStateOtherThanRunningIs400() {
        for (String ec2 : List.of("i-xyz", "0123456789abcdef0", "i-0123456789ABCDEF0", "i-0123456789abcdef01", "", "ami-0abc1234")) {
            assertField(expectProblem(confirm(Map.of("instance_id", instanceId, "ec2_instance_id", ec2, "state", "running")),
                    400), "ec2_instance_id");
        }
        for (String state : List.of("pending", "stopped", "RUNNING", "")) {
            assertField(expectProblem(confirm(Map.of("instance_id", instanceId, "ec2_instance_id", "i-0123456789abcdef0",
                    "state", state)), 400), "state");
        }
        assertField(expectProblem(post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-terminated",
                Map.of("instance_id", instanceId, "ec2_instance_id", "i-nope")).exchange(), 400), "ec2_instance_id");
        assertNothingWritten();
        assertThat(status(instanceId)).isEqualTo("launching");
        assertThat(count("SELECT count(*) FROM instances WHERE ec2_instance_id IS NOT NULL")).isZero();
    }

    @Test
    void scalarsAreNotCoercedIntoStringIds() {
        assertField(expectProblem(launch(with("request_id", 42)), 400), "request_id");
        assertField(expectProblem(launch(with("request_id", true)), 400), "request_id");
        assertField(expectProblem(launch(with("request_id", 4.2)), 400), "request_id");
        assertField(expectProblem(confirm(Map.of("instance_id", instanceId, "ec2_instance_id", "i-0123456789abcdef0",
                "request_id", 7, "state", "running")), 400), "request_id");
        assertNothingWritten();
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanLastOneWins() {
        String body = "{\"agent_id\": \"acme-http\", \"instance_type\": \"t3.micro\", \"request_id\": \"dup-a\","
                + " \"request_id\": \"dup-b\"}";
        Map<String, Object> problem = expectProblem(raw(LAUNCH, ACME_TOKEN, MediaType.APPLICATION_JSON, body), 400);
        assertThat(problem.get("type").toString()).endsWith("/duplicate-key");
        assertThat(problem.get("detail").toString()).contains("request_id");
        assertNothingWritten();
    }

    @Test
    void aUrlOrHeadersTooLargeToDecodeAreProblemsToo() {
        expectProblem(get(ACME_TOKEN, "/api/client/instances?pad=" + "x".repeat(10_000)).exchange(), 414);
        expectProblem(http.get().uri("/api/client/instances").headers(h -> {
            h.setBearerAuth(ACME_TOKEN);
            h.set("X-Pad", "y".repeat(12_000));
        }).exchange(), 431);
        assertNothingWritten();
    }

    @Test
    void agentTokensReadNothingOfTheirClients() {
        expectProblem(get(ACME_AGENT_TOKEN, "/api/events/stats").exchange(), 403);
        expectProblem(get(ACME_AGENT_TOKEN, "/api/client/instances").exchange(), 403);
        ProblemResponses.expectProblemIn(get(ACME_AGENT_TOKEN, "/api/events/stream/acme").exchange(), 403, 404);
        assertNothingWritten();
    }

    @Test
    void anUnknownPathUnderApiIsA404Problem() {
        expectProblem(get(ACME_TOKEN, "/api/client/nothing-here").exchange(), 404);
        expectProblem(get(ACME_TOKEN, "/api/nothing-here").exchange(), 404);
        expectProblem(get(ACME_AGENT_TOKEN, "/api/agents/acme-http/nothing-here").exchange(), 404);
        expectProblem(post(ACME_TOKEN, "/api/client/instances/launch/again", launchBody()).exchange(), 404);
        assertNothingWritten();
    }

    private void assertNothingWritten() {
        assertThat(tables()).as("bad input writes nothing").isEqualTo(before);
    }

    private static void assertField(Map<String, Object> problem, String field) {
        assertThat(problem).as(problem.toString()).containsEntry("field", field);
    }

    private String status(String id) {
        return (String) get(ACME_TOKEN, "/api/client/instances/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody().get("status");
    }

    private WebTestClient.ResponseSpec launch(Map<String, Object> body) {
        return post(ACME_TOKEN, LAUNCH, body).exchange();
    }

    private WebTestClient.ResponseSpec confirm(Map<String, Object> body) {
        return post(ACME_AGENT_TOKEN, "/api/agents/acme-http/instance-launched", body).exchange();
    }

    private WebTestClient.ResponseSpec raw(String path, String token, MediaType type, String body) {
        return http.post().uri(path).headers(h -> h.setBearerAuth(token)).contentType(type).bodyValue(body).exchange();
    }

    private static Map<String, Object> launchBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", "acme-http");
        body.put("instance_type", "t3.micro");
        body.put("request_id", "bad-input-launch");
        body.put("role", "primary");
        body.put("metadata", Map.of("image_id", "ami-0abc", "tags", Map.of("team", "web")));
        return body;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = launchBody();
        body.put(field, value);
        return body;
    }

    private static String oversizeLaunch() {
        return "{\"agent_id\": \"acme-http\", \"instance_type\": \"t3.micro\", \"request_id\": \"bad-input-big\", "
                + "\"metadata\": {\"note\": \"" + "x".repeat(LIMIT + 1024) + "\"}}";
    }
}
