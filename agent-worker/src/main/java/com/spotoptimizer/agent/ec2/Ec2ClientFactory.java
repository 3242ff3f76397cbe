package com.spotoptimizer.agent.ec2;

import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import java.net.URI;
import java.time.Duration;
import com.spotoptimizer.agent.pacing.RetryCharge;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** Builds the agent's EC2 client from {@code spot.agent.ec2}. */
public final class Ec2ClientFactory {

    private Ec2ClientFactory() {
    }

    public static Ec2Client create(AgentProperties.Ec2 config, Ec2Metrics metrics) {
        return create(config, metrics, new RetryCharge());
    }

    /** {@code retries}: charges the pacer (set on it later) for the SDK's own retries of the paced actions. */
    public static Ec2Client create(AgentProperties.Ec2 config, Ec2Metrics metrics, RetryCharge retries) {
        var builder = Ec2Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(config.maxConnections())
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(config.apiCallAttemptTimeout()))
                .overrideConfiguration(o -> o
                        .retryStrategy(retryStrategy(config.maxAttempts()))
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                        .addExecutionInterceptor(new Ec2CallMetrics(metrics))
                        .addExecutionInterceptor(retries));
        if (config.endpoint() != null) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        return builder.build();
    }

    /**
     * Retries only what {@link Ec2Errors#isTransient} says is transient, with jittered exponential backoff,
     * longer for throttling. {@code useClientDefaults(false)} keeps the SDK from adding its own conditions
     * (it would retry InsufficientInstanceCapacity, which EC2 sends as HTTP 500). A call that still fails is
     * the activity's to report; Temporal retries the activity with its own backoff.
     */
    static RetryStrategy retryStrategy(int maxAttempts) {
        return StandardRetryStrategy.builder()
                .useClientDefaults(false)
                .maxAttempts(maxAttempts)
                .retryOnException(Ec2Errors::isTransient)
                .treatAsThrottling(Ec2Errors::isThrottling)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                .build();
    }

    private static AwsCredentialsProvider credentials(AgentProperties.Ec2 config) {
        if (config.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(),
                    config.secretAccessKey()));
        }
        // Environment, system properties, web identity, profile, container and instance roles.
        return DefaultCredentialsProvider.builder().build();
    }
}
