package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The buckets over EC2's wire: the SDK sees EC2's own RequestLimitExceeded, and nothing is launched. */
class RateLimitTest extends SimulatorTestBase {

    @AfterEach
    void rateLimitsOff() {
        sim.rateLimits(Ec2RateLimits.off());
    }

    @Test
    void runInstancesBeyondTheResourceBucketIsRequestLimitExceededAndLaunchesNothing() {
        sim.rateLimits(Ec2RateLimits.ec2Defaults()
                .withResource("RunInstances", new Ec2RateLimits.Bucket(3, 2)));

        for (int i = 0; i < 3; i++) {
            ec2NoRetry.runInstances(launch("req-" + i).build());
        }
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-3").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.isThrottlingException()).isTrue();
                });
        assertThat(sim.instances()).hasSize(3);
        assertThat(sim.rateLimitedCount()).isEqualTo(1);

        clock.advance(Duration.ofMillis(500));
        ec2NoRetry.runInstances(launch("req-3").build());
        assertThat(sim.instances()).hasSize(4);
    }

    @Test
    void terminateInstancesDrawsOneResourceTokenPerInstance() {
        sim.rateLimits(Ec2RateLimits.ec2Defaults()
                .withResource("TerminateInstances", new Ec2RateLimits.Bucket(2, 20)));
        List<String> ids = List.of(
                Ec2Clients.onlyInstanceId(ec2NoRetry.runInstances(launch("a").build())),
                Ec2Clients.onlyInstanceId(ec2NoRetry.runInstances(launch("b").build())),
                Ec2Clients.onlyInstanceId(ec2NoRetry.runInstances(launch("c").build())));

        assertThatThrownBy(() -> ec2NoRetry.terminateInstances(r -> r.instanceIds(ids)))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded"));
        ec2NoRetry.terminateInstances(r -> r.instanceIds(ids.subList(0, 2)));
        assertThat(sim.instances()).filteredOn(i -> "shutting-down".equals(i.state())).hasSize(2);
    }

    @Test
    void anotherAccountHasBucketsOfItsOwn() {
        sim.rateLimits(Ec2RateLimits.ec2Defaults().withRequest("RunInstances", new Ec2RateLimits.Bucket(1, 1)));
        try (Ec2Client other = Ec2Client.builder().endpointOverride(sim.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("other", "x")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            ec2NoRetry.runInstances(launch("mine").build());
            assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("mine-2").build()))
                    .isInstanceOf(AwsServiceException.class);
            other.runInstances(launch("theirs").build());
        }
        assertThat(sim.instances()).hasSize(2);
    }

    @Test
    void offByDefault() {
        assertThat(Ec2SimulatorConfig.defaults().rateLimits().enabled()).isFalse();
        for (int i = 0; i < 60; i++) {
            ec2NoRetry.runInstances(launch("fast-" + i).build());
        }
        assertThat(sim.rateLimitedCount()).isZero();
    }
}
