package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;

class FaultInjectionTest extends SimulatorTestBase {

    @Test
    void insufficientCapacityFailsTheNextLaunchesWithoutCreatingInstances() {
        sim.faults().insufficientCapacity(2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-cap").build()))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity");
                        assertThat(e.statusCode()).isEqualTo(500);
                    });
        }
        assertThat(sim.instances()).isEmpty();
        // The token was not burnt by the failures: the retry launches.
        assertThat(ec2NoRetry.runInstances(launch("req-cap").build()).instances()).hasSize(1);
    }

    @Test
    void insufficientCapacityCanTargetOneInstanceType() {
        sim.faults().insufficientCapacity(1, "p4d.24xlarge");

        assertThat(ec2NoRetry.runInstances(launch("req-small").build()).instances()).hasSize(1);
        assertThatThrownBy(() -> ec2NoRetry.runInstances(
                launch("req-gpu").instanceType(InstanceType.P4_D_24_XLARGE).build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity"));
    }

    @Test
    void capacityFaultCanTargetOneTypeInOneSubnet() {
        sim.faults().insufficientCapacity(5, "c5.large", "subnet-a");

        assertThat(ec2NoRetry.runInstances(launch("other-subnet").instanceType("c5.large").subnetId("subnet-b").build())
                .instances()).hasSize(1);
        assertThat(ec2NoRetry.runInstances(launch("other-type").instanceType("m5.large").subnetId("subnet-a").build())
                .instances()).hasSize(1);
        assertThatThrownBy(() -> ec2NoRetry.runInstances(
                launch("refused").instanceType("c5.large").subnetId("subnet-a").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity"));
    }

    @Test
    void unsupportedCanBeInjectedForOneType() {
        sim.faults().refuseLaunches(1, "x9.huge", null, "Unsupported");

        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("unsupported").instanceType("x9.huge").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Unsupported");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void throttledCallCarriesRequestLimitExceeded() {
        sim.faults().throttleNext(1, "DescribeInstances");

        assertThatThrownBy(() -> ec2NoRetry.describeInstances())
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                    assertThat(e.isThrottlingException()).isTrue();
                    assertThat(e.statusCode()).isEqualTo(503);
                });
        assertThat(ec2NoRetry.describeInstances().reservations()).isEmpty();
    }

    @Test
    void sdkRetriesThrottlingByItself() {
        sim.faults().throttleNext(2);

        ec2.describeInstances();

        assertThat(sim.callCount("DescribeInstances")).isEqualTo(3);
        assertThat(sim.calls()).extracting(SimCall::outcome)
                .containsExactly("RequestLimitExceeded", "RequestLimitExceeded", "ok");
    }

    @Test
    void probabilisticThrottlingRepeatsForTheSameSeed() {
        List<String> first = throttledOutcomes();
        sim.reset();
        List<String> second = throttledOutcomes();

        assertThat(first).isEqualTo(second).contains("ok", "RequestLimitExceeded");
    }

    private List<String> throttledOutcomes() {
        sim.faults().throttleProbability(0.5);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try {
                ec2NoRetry.describeInstances();
                outcomes.add("ok");
            } catch (AwsServiceException e) {
                outcomes.add(e.awsErrorDetails().errorCode());
            }
        }
        return outcomes;
    }

    @Test
    void droppedResponseTimesOutWhileTheInstanceExistsAndTheSameTokenReturnsIt() {
        sim.faults().dropRunInstancesResponses(1);
        try (Ec2Client impatient = Ec2Clients.sync(sim, c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallAttemptTimeout(Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> impatient.runInstances(launch("req-lost").build()))
                    .isInstanceOf(ApiCallAttemptTimeoutException.class);
        }

        assertThat(sim.instances()).singleElement().satisfies(i -> {
            assertThat(i.clientToken()).isEqualTo("req-lost");
            assertThat(i.isActive()).isTrue();
        });
        String id = sim.instances().get(0).instanceId();
        assertThat(onlyInstanceId(ec2NoRetry.runInstances(launch("req-lost").build()))).isEqualTo(id);
        assertThat(sim.instances()).hasSize(1);
        assertThat(sim.calls()).extracting(SimCall::outcome).containsExactly("dropped", "ok");
    }

    @Test
    void closedConnectionIsRetriedBySdkWithItsGeneratedClientToken() {
        sim.faults().dropRunInstancesResponses(1, DropMode.CLOSE);

        // No ClientToken given: the SDK generates one and reuses it on its retry.
        String id = onlyInstanceId(ec2.runInstances(launch(null).build()));

        assertThat(sim.callCount("RunInstances")).isEqualTo(2);
        assertThat(sim.instances()).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(id);
            assertThat(i.clientToken()).isNotBlank();
        });
    }

    @Test
    void invalidAndDeniedImagesAreRejected() {
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-i").imageId("ami-invalid-1").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-d").imageId("ami-denied-1").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
        sim.faults().rejectImage("ami-0abcdef1234567890", "InvalidAMIID.NotFound");
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-n").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAMIID.NotFound"));
        assertThat(sim.instances()).isEmpty();
    }

    @Test
    void injectedServerErrorsUseEc2Statuses() {
        sim.faults().failNext("TerminateInstances", 1, "InternalError")
                .failNext(null, 1, "Unavailable");

        assertThatThrownBy(() -> ec2NoRetry.terminateInstances(r -> r.instanceIds("i-0123456789abcdef0")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
                    assertThat(e.statusCode()).isEqualTo(500);
                });
        assertThatThrownBy(() -> ec2NoRetry.describeInstances())
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Unavailable");
                    assertThat(e.statusCode()).isEqualTo(503);
                });
        assertThat(ec2NoRetry.describeInstances().reservations()).isEmpty();
    }
}
