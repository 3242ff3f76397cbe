package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

/**
 * The optimizer's moves end to end (HTTP → move workflow → child launch/terminate workflows → demo-agent → AWS SDK
 * → simulator), judged by the simulator's ground truth.
 */
class MovesEndToEndTest {

    @RegisterExtension
    static final LocalStackExtension e2e = new LocalStackExtension();

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Test
    void switchThroughTheApiEndsWithTheReplacementPrimaryAndTheOldOneTerminatedInEc2() {
        String old = e2e.client().launchId("e2e-switch-old");
        String oldEc2 = (String) e2e.client().awaitStatus(old, "running_primary").get("ec2_instance_id");

        Map<String, Object> queued = post("/api/client/commands", Map.of("agent_id", E2eClient.AGENT,
                "command_type", "MANUAL_SWITCH", "request_id", "e2e-switch-1",
                "metadata", Map.of("instance_id", old, "target", Map.of("instance_type", "m5.large"))));
        String commandId = (String) queued.get("command_id");

        Map<String, Object> command = Awaitility.await("switch outcome").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> get("/api/client/commands/" + commandId),
                        c -> !List.of("QUEUED", "DELIVERED", "DISPATCHED").contains(c.get("status")));
        @SuppressWarnings("unchecked")
        Map<String, Object> outcome = (Map<String, Object>) command.get("outcome");
        assertThat(command.get("status")).as(String.valueOf(outcome)).isEqualTo("COMPLETED");
        assertThat(outcome).containsEntry("outcome", "succeeded").containsEntry("old_instance_id", old);
        String replacement = (String) outcome.get("new_instance_id");

        Map<String, Object> primary = e2e.client().get(replacement);
        assertThat(primary).containsEntry("status", "running_primary").containsEntry("role", "primary")
                .containsEntry("instance_type", "m5.large");
        assertThat(e2e.client().get(old)).containsEntry("status", "terminated");
        assertThat(e2e.client().historyTypes(replacement)).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING",
                "INSTANCE_PROMOTING", "INSTANCE_PROMOTED");

        List<SimInstance> newInEc2 = GroundTruth.instancesOf(e2e.ec2(), replacement);
        assertThat(newInEc2).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(primary.get("ec2_instance_id"));
            assertThat(i.state()).isEqualTo("running");
            assertThat(i.instanceType()).isEqualTo("m5.large");
        });
        assertThat(e2e.ec2().instance(oldEc2)).hasValueSatisfying(i -> assertThat(i.isActive()).isFalse());
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    @Test
    void spotInterruptionOfAPrimaryWithAReplicaPromotesTheReplicaAndLaunchesANewReplica() {
        String primary = e2e.client().launchId("e2e-irq-primary");
        String primaryEc2 = (String) e2e.client().awaitStatus(primary, "running_primary").get("ec2_instance_id");
        String replica = (String) post("/api/client/instances/launch", Map.of("agent_id", E2eClient.AGENT,
                "instance_type", "t3.micro", "request_id", "e2e-irq-replica", "role", "replica",
                "metadata", Map.of("replica_of", primary))).get("instance_id");
        e2e.client().awaitStatus(replica, "running_replica");

        e2e.ec2().interruptSpot(primaryEc2, Duration.ofSeconds(10));

        e2e.client().awaitStatus(replica, Duration.ofSeconds(30), "running_primary");
        Map<String, Object> newReplica = Awaitility.await("a new replica runs").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> e2e.client().list().stream()
                        .filter(r -> ((String) r.get("request_id")).startsWith("failover.")
                                && "running_replica".equals(r.get("status")))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) newReplica.get("metadata");
        assertThat(metadata).containsEntry("replica_of", replica);
        // EC2 ends the interrupted one at its action time; ground truth records it.
        e2e.client().awaitStatus(primary, Duration.ofSeconds(60), "terminated");
        assertThat(GroundTruth.instancesOf(e2e.ec2(), (String) newReplica.get("instance_id")))
                .singleElement().satisfies(i -> assertThat(i.state()).isEqualTo("running"));
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    private Map<String, Object> post(String path, Map<String, Object> body) {
        return e2e.stack().http().post().uri(path).headers(h -> h.setBearerAuth(E2eClient.CLIENT_TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> get(String path) {
        return e2e.stack().http().get().uri(path).headers(h -> h.setBearerAuth(E2eClient.CLIENT_TOKEN))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }
}
