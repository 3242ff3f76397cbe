package com.spotoptimizer.agent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The SDK's own retry of RunInstances spends an EC2 token: the pacer is charged for it too. */
class RetryChargeTest {

    @Test
    void anSdkRetryOfRunInstancesIsChargedToThePacer() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryCharge charge = new RetryCharge();
        try (Ec2Simulator sim = Ec2Simulator.start();
             Ec2Pacer pacer = new Ec2Pacer(PacingProperties.defaults(), Clock.systemUTC(), new PacingMetrics(registry));
             Ec2Client ec2 = Ec2ClientFactory.create(AgentProperties.Ec2.endpoint(sim.endpoint().toString(), "k", "s")
                     .withApiCallAttemptTimeout(Duration.ofSeconds(5)), new Ec2Metrics(registry), charge)) {
            charge.pacer(pacer);
            sim.faults().dropRunInstancesResponses(1, DropMode.CLOSE);

            ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("t3.micro").minCount(1).maxCount(1)
                    .clientToken("retry-charge-1"));

            assertThat(sim.callCount("RunInstances")).isEqualTo(2);
            assertThat(registry.counter("spot.ec2.pacing.retry.charged", "action", "RunInstances").count()).isEqualTo(1);
        }
    }
}
