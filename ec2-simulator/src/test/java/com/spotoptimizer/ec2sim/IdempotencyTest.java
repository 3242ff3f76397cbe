package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;

class IdempotencyTest extends SimulatorTestBase {

    @Test
    void sameClientTokenTwiceReturnsTheSameReservationAndLaunchesOneInstance() {
        RunInstancesResponse first = ec2.runInstances(launch("req-1").build());
        RunInstancesResponse second = ec2.runInstances(launch("req-1").build());

        assertThat(second.reservationId()).isEqualTo(first.reservationId());
        assertThat(onlyInstanceId(second)).isEqualTo(onlyInstanceId(first));
        assertThat(second.instances().get(0).clientToken()).isEqualTo("req-1");
        assertThat(sim.instances()).hasSize(1);
        assertThat(sim.callCount("RunInstances")).isEqualTo(2);
    }

    @Test
    void sameClientTokenWithDifferentParametersFailsWithIdempotentParameterMismatch() {
        ec2.runInstances(launch("req-2").build());

        assertThatThrownBy(() -> ec2.runInstances(launch("req-2").instanceType(InstanceType.M5_LARGE).build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatch");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(sim.instances()).hasSize(1);
    }

    @Test
    void concurrentLaunchesWithOneClientTokenCreateOneInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> onlyInstanceId(ec2.runInstances(launch("req-race").build()))));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
            assertThat(sim.instances()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void maxCountLaunchesSeveralInstancesInOneReservation() {
        RunInstancesResponse response = ec2.runInstances(launch("req-many").minCount(1).maxCount(3).build());

        assertThat(response.instances()).hasSize(3)
                .extracting(Instance::amiLaunchIndex).containsExactly(0, 1, 2);
        assertThat(response.instances()).extracting(Instance::instanceId)
                .allSatisfy(id -> assertThat(id).matches("i-[0-9a-f]{17}")).doesNotHaveDuplicates();
        assertThat(sim.instances()).extracting(SimInstance::reservationId).containsOnly(response.reservationId());
        // A replay returns all three again, launching none.
        assertThat(ec2.runInstances(launch("req-many").minCount(1).maxCount(3).build()).instances())
                .extracting(Instance::instanceId)
                .containsExactlyElementsOf(response.instances().stream().map(Instance::instanceId).toList());
        assertThat(sim.instances()).hasSize(3);
    }

    @Test
    void replayWithSameTokenDoesNotConsumeAnInjectedCapacityFault() {
        String id = onlyInstanceId(ec2NoRetry.runInstances(launch("req-replay").build()));
        sim.faults().insufficientCapacity(1);

        assertThat(onlyInstanceId(ec2NoRetry.runInstances(launch("req-replay").build()))).isEqualTo(id);
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-other").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity"));
    }

    @Test
    void clientTokenLongerThanSixtyFourCharactersIsRejected() {
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("x".repeat(65)).build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }
}
