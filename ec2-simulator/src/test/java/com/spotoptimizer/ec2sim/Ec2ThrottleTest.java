package com.spotoptimizer.ec2sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** EC2's buckets on a stepped clock: no sleeps. */
class Ec2ThrottleTest {

    private static final String ACCOUNT = "AKIDEXAMPLE/us-east-1";
    private final SimClock clock = SimClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void runInstancesResourceBucketHoldsOneThousandInstancesAndRefillsTwoPerSecond() {
        // Request bucket out of the way, to see the resource bucket alone.
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults()
                .withRequest("RunInstances", new Ec2RateLimits.Bucket(10_000, 10_000)), clock);

        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1_000)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo("RequestLimitExceeded");
            assertThat(e.status()).isEqualTo(503);
        });
        clock.advance(Duration.ofMillis(499));
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
        clock.advance(Duration.ofSeconds(5));
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 10)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
    }

    @Test
    void terminateInstancesResourceBucketRefillsTwentyPerSecond() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults()
                .withRequest("TerminateInstances", new Ec2RateLimits.Bucket(10_000, 10_000)), clock);

        assertThat(throttle.admit(ACCOUNT, "TerminateInstances", 1_000)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "TerminateInstances", 1)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.admit(ACCOUNT, "TerminateInstances", 20)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "TerminateInstances", 1)).isPresent();
    }

    @Test
    void mutatingRequestBucketAdmitsFiftyCallsThenFivePerSecond() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults(), clock);

        for (int i = 0; i < 50; i++) {
            assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).as("call %d", i).isEmpty();
        }
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isEmpty();
        }
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
        // Each action has a request bucket of its own.
        assertThat(throttle.admit(ACCOUNT, "DescribeInstances", 0)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "TerminateInstances", 1)).isEmpty();
    }

    @Test
    void aRefusedCallTakesNoTokens() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults()
                .withRequest("RunInstances", new Ec2RateLimits.Bucket(3, 1))
                .withResource("RunInstances", new Ec2RateLimits.Bucket(5, 1)), clock);

        assertThat(throttle.admit(ACCOUNT, "RunInstances", 4)).isEmpty();
        // 2 resource tokens wanted, 1 there: refused, and the request token it would have used stays.
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 2)).isPresent();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 0)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 0)).isPresent();
    }

    @Test
    void bucketsArePerAccountAndRegion() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults()
                .withRequest("RunInstances", new Ec2RateLimits.Bucket(1, 1)), clock);

        assertThat(throttle.admit("AKID1/us-east-1", "RunInstances", 1)).isEmpty();
        assertThat(throttle.admit("AKID1/us-east-1", "RunInstances", 1)).isPresent();
        assertThat(throttle.admit("AKID1/eu-west-1", "RunInstances", 1)).isEmpty();
        assertThat(throttle.admit("AKID2/us-east-1", "RunInstances", 1)).isEmpty();
    }

    @Test
    void scopeComesFromTheSigV4CredentialScope() {
        assertThat(Ec2Throttle.scope("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20300101/eu-west-1/ec2/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=abc")).isEqualTo("AKIDEXAMPLE/eu-west-1");
        assertThat(Ec2Throttle.scope(null)).isEqualTo(Ec2Throttle.UNSIGNED);
        assertThat(Ec2Throttle.scope("Bearer x")).isEqualTo(Ec2Throttle.UNSIGNED);
    }

    @Test
    void timeScaleMultipliesTheRefillRate() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.ec2Defaults().withTimeScale(10)
                .withRequest("RunInstances", new Ec2RateLimits.Bucket(10_000, 10_000)), clock);

        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1_000)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 20)).isEmpty();
        assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isPresent();
    }

    @Test
    void offNeverThrottles() {
        Ec2Throttle throttle = new Ec2Throttle(Ec2RateLimits.off(), clock);

        for (int i = 0; i < 2_000; i++) {
            assertThat(throttle.admit(ACCOUNT, "RunInstances", 1)).isEmpty();
        }
        assertThat(throttle.throttledCount()).isZero();
    }
}
