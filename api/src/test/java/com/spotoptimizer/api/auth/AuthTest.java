package com.spotoptimizer.api.auth;

import static com.spotoptimizer.api.system.ProblemResponses.expectProblem;
import static com.spotoptimizer.api.system.ProblemResponses.expectProblemIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

/** Bearer tokens: who may call what, and that nobody sees or touches another client's or agent's things. */
class AuthTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final String RUNNING_EC2_ID = "i-0a1b2c3d4e5f60718";

    /** acme's instance on acme-http, running as {@link #RUNNING_EC2_ID}. */
    private String running;
    /** acme's instance on acme-http, still launching. */
    private String launching;
    private Map<String, Object> runningBefore;
    private Map<String, Object> launchingBefore;
    private String before;

    @BeforeEach
    void acmeInstances() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        running = launch("auth-running");
        if (count("SELECT count(*) FROM instances WHERE ec2_instance_id IS NOT NULL") == 0) {
            agent.confirmLaunched(running, RUNNING_EC2_ID).expectStatus().isOk();
        }
        launching = launch("auth-launching");
        runningBefore = instance(running);
        launchingBefore = instance(launching);
        assertThat(runningBefore).containsEntry("status", "running_primary");
        assertThat(launchingBefore).containsEntry("status", "launching");
        before = tables();
    }

    @Test
    void aRequestWithoutATokenIs401Problem() {
        expectProblem(http.get().uri("/api/client/instances").exchange(), 401);
        expectProblem(http.get().uri("/api/client/instances/{id}", running).exchange(), 401);
        expectProblem(http.post().uri("/api/client/instances/launch").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent_id", "acme-http", "instance_type", "t3.micro")).exchange(), 401);
        expectProblem(http.post().uri("/api/client/instances/{id}/terminate", running).exchange(), 401);
        expectProblem(http.get().uri("/api/agents/acme-http/pending-commands").exchange(), 401);
        expectProblem(http.post().uri("/api/agents/acme-http/instance-launched").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("instance_id", launching, "ec2_instance_id", "i-0123456789abcdef0", "state", "running"))
                .exchange(), 401);
        assertNothingChanged();
    }

    @Test
    void aBadTokenIs401Problem() {
        for (String token : List.of("not-a-token", ACME_TOKEN + "x", ACME_TOKEN.toUpperCase(), " ")) {
            expectProblem(get(token, "/api/client/instances").exchange(), 401);
            expectProblem(post(token, "/api/client/instances/{id}/terminate", null, running).exchange(), 401);
            expectProblem(get(token, "/api/agents/acme-http/pending-commands").exchange(), 401);
        }
        expectProblem(http.get().uri("/api/client/instances").header("Authorization", "Basic YWNtZTphY21l").exchange(), 401);
        expectProblem(http.get().uri("/api/client/instances").header("Authorization", "Bearer").exchange(), 401);
        assertNothingChanged();
    }

    @Test
    void aClientTokenOnAgentEndpointsIsRefused() {
        expectProblemIn(get(ACME_TOKEN, "/api/agents/acme-http/pending-commands").exchange(), 403, 404);
        expectProblemIn(post(ACME_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", launching,
                "ec2_instance_id", "i-0123456789abcdef0", "state", "running")).exchange(), 403, 404);
        expectProblemIn(post(ACME_TOKEN, "/api/agents/acme-http/instance-terminated", Map.of("instance_id", running))
                .exchange(), 403, 404);
        expectProblemIn(post(RIVAL_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", launching,
                "ec2_instance_id", "i-0123456789abcdef0", "state", "running")).exchange(), 403, 404);
        assertNothingChanged();
    }

    @Test
    void anAgentTokenOnClientEndpointsIs403() {
        expectProblem(get(ACME_AGENT_TOKEN, "/api/client/instances").exchange(), 403);
        expectProblem(get(ACME_AGENT_TOKEN, "/api/client/instances/{id}", running).exchange(), 403);
        expectProblem(post(ACME_AGENT_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", "auth-by-agent")).exchange(), 403);
        expectProblem(post(ACME_AGENT_TOKEN, "/api/client/instances/{id}/terminate", null, running).exchange(), 403);
        expectProblem(post(ACME_AGENT_TOKEN, "/api/client/commands", Map.of("agent_id", "acme-http",
                "command_type", "MANUAL_SWITCH")).exchange(), 403);
        assertNothingChanged();
    }

    @Test
    void anotherClientCannotReadOrTerminateAnInstanceByStableOrEc2Id() {
        for (String id : List.of(running, RUNNING_EC2_ID, launching)) {
            expectProblem(get(RIVAL_TOKEN, "/api/client/instances/{id}", id).exchange(), 404);
            expectProblem(get(RIVAL_TOKEN, "/api/client/instances/{id}/events", id).exchange(), 404);
            expectProblem(post(RIVAL_TOKEN, "/api/client/instances/{id}/terminate", null, id).exchange(), 404);
        }
        Map<String, Object> list = get(RIVAL_TOKEN, "/api/client/instances").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat((List<?>) list.get("instances")).isEmpty();
        expectProblem(post(RIVAL_TOKEN, "/api/client/commands", Map.of("agent_id", "rival-http",
                "command_type", "MANUAL_SWITCH", "instance_id", running)).exchange(), 404);
        assertNothingChanged();
    }

    @Test
    void anotherAgentOfTheSameClientCannotConfirmAnInstanceItDoesNotServe() {
        HttpAgent other = new HttpAgent(http, "acme-http-2", ACME_AGENT_2_TOKEN);
        expectProblem(other.confirmLaunched(launching, "i-0123456789abcdef0"), 404);
        expectProblem(other.confirmTerminated(running, RUNNING_EC2_ID), 404);
        expectProblem(other.confirmTerminated(RUNNING_EC2_ID, null), 404);
        assertNothingChanged();
    }

    @Test
    void anotherClientsAgentCannotConfirmAnInstance() {
        HttpAgent rival = new HttpAgent(http, "rival-http", RIVAL_AGENT_TOKEN);
        expectProblem(rival.confirmLaunched(launching, "i-0123456789abcdef0"), 404);
        expectProblem(rival.confirmLaunched(running, RUNNING_EC2_ID), 404);
        expectProblem(rival.confirmTerminated(running, RUNNING_EC2_ID), 404);
        expectProblem(rival.confirmTerminated(RUNNING_EC2_ID, null), 404);
        assertNothingChanged();
    }

    @Test
    void anAgentCannotActForAnotherAgent() {
        expectProblem(get(ACME_AGENT_TOKEN, "/api/agents/acme-http-2/pending-commands").exchange(), 404);
        expectProblem(get(RIVAL_AGENT_TOKEN, "/api/agents/acme-http/pending-commands").exchange(), 404);
        // acme-http-2's token on a path naming acme-http: answered as if acme-http did not exist.
        expectProblem(post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http/instance-launched", Map.of("instance_id", launching,
                "ec2_instance_id", "i-0123456789abcdef0", "state", "running")).exchange(), 404);
        String command = "launch-" + launching;
        expectProblem(post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http/commands/{id}/result", Map.of("success", true),
                command).exchange(), 404);
        expectProblem(post(ACME_AGENT_2_TOKEN, "/api/agents/acme-http-2/commands/{id}/result", Map.of("success", true),
                command).exchange(), 404);
        expectProblem(post(RIVAL_AGENT_TOKEN, "/api/agents/rival-http/commands/{id}/result", Map.of("success", false),
                command).exchange(), 404);
        assertNothingChanged();
        assertThat(count("SELECT count(*) FROM commands WHERE command_id = '" + command + "' AND status = 'QUEUED'"))
                .as("nobody else leased or closed acme-http's command").isEqualTo(1);
    }

    private void assertNothingChanged() {
        assertThat(tables()).isEqualTo(before);
        assertThat(instance(running)).isEqualTo(runningBefore);
        assertThat(instance(launching)).isEqualTo(launchingBefore);
    }

    private String launch(String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    private Map<String, Object> instance(String id) {
        return get(ACME_TOKEN, "/api/client/instances/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }
}
