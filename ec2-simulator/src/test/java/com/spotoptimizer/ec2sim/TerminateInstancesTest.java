package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

class TerminateInstancesTest extends SimulatorTestBase {

    @Test
    void runningInstanceGoesToShuttingDownThenTerminatedAfterTheDelay() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-1").build()));
        clock.advance(sim.faults().timing().launchDelay());

        InstanceStateChange change = ec2.terminateInstances(r -> r.instanceIds(id)).terminatingInstances().get(0);

        assertThat(change.instanceId()).isEqualTo(id);
        assertThat(change.previousState().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(change.previousState().code()).isEqualTo(16);
        assertThat(change.currentState().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(change.currentState().code()).isEqualTo(32);
        clock.advance(sim.faults().timing().terminateDelay());
        assertThat(sim.instance(id).orElseThrow().state()).isEqualTo("terminated");
    }

    @Test
    void repeatedTerminateIsIdempotent() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-2").build()));
        ec2.terminateInstances(r -> r.instanceIds(id));
        var terminatedAt = sim.instance(id).orElseThrow().terminatedAt();
        clock.advance(Duration.ofMillis(500));

        InstanceStateChange again = ec2.terminateInstances(r -> r.instanceIds(id)).terminatingInstances().get(0);
        assertThat(again.previousState().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(again.currentState().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(sim.instance(id).orElseThrow().terminatedAt()).isEqualTo(terminatedAt);

        clock.advance(Duration.ofHours(1).minusSeconds(1));
        InstanceStateChange late = ec2.terminateInstances(r -> r.instanceIds(id)).terminatingInstances().get(0);
        assertThat(late.previousState().name()).isEqualTo(InstanceStateName.TERMINATED);
        assertThat(late.currentState().code()).isEqualTo(48);
    }

    @Test
    void pendingInstanceCanBeTerminated() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-3").build()));

        InstanceStateChange change = ec2.terminateInstances(r -> r.instanceIds(id)).terminatingInstances().get(0);

        assertThat(change.previousState().name()).isEqualTo(InstanceStateName.PENDING);
        assertThat(change.currentState().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        clock.advance(Duration.ofHours(1)); // the original launch delay passing never revives it
        assertThat(sim.instance(id).orElseThrow().state()).isEqualTo("terminated");
    }

    @Test
    void unknownIdFailsWithNotFoundAndTerminatesNothing() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-4").build()));

        assertThatThrownBy(() -> ec2.terminateInstances(r -> r.instanceIds(id, "i-0123456789abcdef0")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(sim.instance(id).orElseThrow().isActive()).isTrue();
    }
}
