package com.spotoptimizer.ec2sim;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2AsyncClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;

/** Real AWS SDK v2 clients pointed at a simulator, the way the agent builds them. */
final class Ec2Clients {

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private Ec2Clients() {
    }

    /** The SDK's standard retries (3 attempts), with short backoff so retried tests stay fast. */
    static Ec2Client retrying(Ec2Simulator sim) {
        return sync(sim, c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
                .throttlingBackoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
                .build()));
    }

    /** No SDK retries: every simulator answer, including throttling, reaches the test as is. */
    static Ec2Client noRetry(Ec2Simulator sim) {
        return sync(sim, c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    static Ec2Client sync(Ec2Simulator sim, Consumer<ClientOverrideConfiguration.Builder> override) {
        return Ec2Client.builder()
                .endpointOverride(sim.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(override)
                .build();
    }

    static Ec2AsyncClient async(Ec2Simulator sim) {
        return Ec2AsyncClient.builder()
                .endpointOverride(sim.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Waiters poll every {@code delay} instead of EC2's default 15 s. */
    static Consumer<WaiterOverrideConfiguration.Builder> polling(Duration delay, int maxAttempts) {
        return w -> w.backoffStrategy(FixedDelayBackoffStrategy.create(delay)).maxAttempts(maxAttempts);
    }

    static RunInstancesRequest.Builder launch(String token) {
        return RunInstancesRequest.builder().imageId("ami-0abcdef1234567890").instanceType("t3.micro")
                .minCount(1).maxCount(1).clientToken(token);
    }

    static String onlyInstanceId(RunInstancesResponse response) {
        if (response.instances().size() != 1) {
            throw new AssertionError("expected one instance, got " + response.instances());
        }
        return response.instances().get(0).instanceId();
    }
}
