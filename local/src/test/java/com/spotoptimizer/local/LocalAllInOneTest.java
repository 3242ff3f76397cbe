package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * End to end through every real part: HTTP → launch workflow → demo-agent worker → AWS SDK → EC2
 * simulator → confirmation signal → state, and back for termination.
 */
class LocalAllInOneTest {

    private static final String CLIENT = "demo-client-token";
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    private static LocalStack stack;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start();
        http = stack.http();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void primaryLaunchRunsOnTheSimulatorAndTerminates() {
        String instanceId = launch("e2e-primary", "primary");
        Map<String, Object> running = awaitStatus(instanceId, "running_primary");
        String ec2Id = (String) running.get("ec2_instance_id");
        assertThat(ec2Id).matches("i-[0-9a-f]{17}");
        assertThat((Double) running.get("launch_duration_seconds")).isPositive();
        assertThat(stack.app().ec2().instance(ec2Id)).get().extracting(SimInstance::state).isEqualTo("running");

        http.post().uri("/api/client/instances/{id}/terminate", ec2Id).headers(h -> h.setBearerAuth(CLIENT))
                .exchange().expectStatus().isAccepted();
        Map<String, Object> terminated = awaitStatus(instanceId, "terminated");
        assertThat((Double) terminated.get("termination_duration_seconds")).isPositive();
        assertThat(stack.app().ec2().instance(ec2Id)).get().extracting(SimInstance::state).isEqualTo("terminated");
        assertThat(stack.app().ec2().instances()).filteredOn(i -> instanceId.equals(
                i.tags().get("spot-optimizer:instance-id"))).hasSize(1);
    }

    @Test
    void replicaLaunchEndsRunningReplica() {
        String instanceId = launch("e2e-replica", "replica");
        Map<String, Object> running = awaitStatus(instanceId, "running_replica");
        assertThat(running.get("role")).isEqualTo("replica");
    }

    private String launch(String requestId, String role) {
        Map<String, Object> accepted = http.post().uri("/api/client/instances/launch").headers(h -> h.setBearerAuth(CLIENT))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent_id", "demo-agent", "instance_type", "t3.micro", "request_id", requestId,
                        "role", role))
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
        assertThat(accepted).containsEntry("status", "launching");
        return (String) accepted.get("instance_id");
    }

    private Map<String, Object> awaitStatus(String instanceId, String status) {
        Supplier<Map<String, Object>> read = () -> http.get().uri("/api/client/instances/{id}", instanceId)
                .headers(h -> h.setBearerAuth(CLIENT)).exchange().expectStatus().isOk().expectBody(JSON)
                .returnResult().getResponseBody();
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(read::get, instance -> status.equals(instance.get("status")));
    }
}
