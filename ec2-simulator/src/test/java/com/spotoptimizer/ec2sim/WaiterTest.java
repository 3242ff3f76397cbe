package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static com.spotoptimizer.ec2sim.Ec2Clients.polling;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.ec2.Ec2AsyncClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesResponse;

/** The SDK's own waiters, unmodified apart from their polling delay, against the simulator. */
class WaiterTest {

    @Test
    void instanceRunningAndTerminatedWaitersSucceedOnWallClock() {
        Ec2SimulatorConfig config = Ec2SimulatorConfig.defaults()
                .withLaunchDelay(Duration.ofMillis(300))
                .withTerminateDelay(Duration.ofMillis(300))
                .withConsistencyWindow(Duration.ofMillis(100));
        try (Ec2Simulator sim = Ec2Simulator.start(config); Ec2Client ec2 = Ec2Clients.noRetry(sim)) {
            var launched = ec2.runInstances(launch("waiter-1").build());
            String id = onlyInstanceId(launched);
            assertThat(sim.instance(id).orElseThrow().launchTime())
                    .isEqualTo(launched.instances().get(0).launchTime());

            // The first polls land inside the consistency window: the waiter retries on NotFound by design.
            WaiterResponse<DescribeInstancesResponse> running = ec2.waiter().waitUntilInstanceRunning(
                    r -> r.instanceIds(id), polling(Duration.ofMillis(50), 40));
            assertThat(running.matched().response()).hasValueSatisfying(r ->
                    assertThat(r.reservations().get(0).instances().get(0).state().name())
                            .isEqualTo(InstanceStateName.RUNNING));

            TerminateInstancesResponse terminate = ec2.terminateInstances(r -> r.instanceIds(id));
            assertThat(terminate.terminatingInstances().get(0).currentState().name())
                    .isEqualTo(InstanceStateName.SHUTTING_DOWN);
            WaiterResponse<DescribeInstancesResponse> terminated = ec2.waiter().waitUntilInstanceTerminated(
                    r -> r.instanceIds(id), polling(Duration.ofMillis(50), 40));
            assertThat(terminated.matched().response()).isPresent();
            assertThat(sim.instance(id)).hasValueSatisfying(i -> assertThat(i.state()).isEqualTo("terminated"));
            assertThat(sim.callCount("DescribeInstances")).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void asyncRunningWaiterCompletesOnlyWhenTheClockIsStepped() throws Exception {
        SimClock clock = SimClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
        Ec2SimulatorConfig config = Ec2SimulatorConfig.defaults().withClock(clock)
                .withLaunchDelay(Duration.ofSeconds(30));
        try (Ec2Simulator sim = Ec2Simulator.start(config); Ec2AsyncClient ec2 = Ec2Clients.async(sim)) {
            String id = onlyInstanceId(ec2.runInstances(launch("waiter-async").build()).get(10, TimeUnit.SECONDS));
            clock.advance(config.timing().consistencyWindow());

            CompletableFuture<WaiterResponse<DescribeInstancesResponse>> waiting = ec2.waiter()
                    .waitUntilInstanceRunning(r -> r.instanceIds(id), polling(Duration.ofMillis(20), 500));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.callCount("DescribeInstances") >= 2);
            assertThat(waiting).isNotDone();

            clock.advance(Duration.ofSeconds(30));
            WaiterResponse<DescribeInstancesResponse> response = waiting.get(5, TimeUnit.SECONDS);
            assertThat(response.matched().response()).hasValueSatisfying(r ->
                    assertThat(r.reservations().get(0).instances().get(0).state().name())
                            .isEqualTo(InstanceStateName.RUNNING));
        }
    }
}
