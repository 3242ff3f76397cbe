package com.spotoptimizer.ec2sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * EC2's API throttling, modelled per account (access key) and region, as EC2 applies it: every action draws
 * one token a call from its own <em>request</em> bucket, and RunInstances and TerminateInstances also draw one
 * token per instance from a <em>resource</em> bucket. A call either bucket cannot pay for is answered
 * {@code RequestLimitExceeded} (HTTP 503) and changes nothing.
 *
 * <p>Figures from AWS's "Request throttling for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html, and the older
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html): resource buckets RunInstances 1,000
 * instances refilled at 2 a second, TerminateInstances 1,000 refilled at 20 a second; request buckets by
 * category: mutating actions 50 requests refilled at 5 a second (RunInstances, TerminateInstances, CreateTags),
 * non-mutating actions (Describe*) 100 refilled at 20 a second. AWS documents per-API request figures that vary
 * by account and region, and raises them on request; the category defaults are used here and every figure
 * can be changed.
 *
 * @param enabled   off by default (tests that need speed); on in the local mode and the benchmarks
 * @param timeScale refill rates are multiplied by this (1 = EC2's rates); a benchmark that cannot wait
 *                  1,000 s for 2,000 refills runs faster and says so. Capacities are not scaled.
 * @param request   request bucket per action; actions not listed use {@code defaultRequest}
 * @param defaultRequest request bucket of an action not in {@code request}
 * @param resource  resource bucket per action (only RunInstances and TerminateInstances have one)
 */
public record Ec2RateLimits(boolean enabled, double timeScale, Map<String, Bucket> request, Bucket defaultRequest,
                            Map<String, Bucket> resource) {

    public static final String RUN_INSTANCES = "RunInstances";
    public static final String TERMINATE_INSTANCES = "TerminateInstances";
    public static final Bucket MUTATING = new Bucket(50, 5);
    public static final Bucket NON_MUTATING = new Bucket(100, 20);
    public static final Bucket RUN_INSTANCES_RESOURCE = new Bucket(1_000, 2);
    public static final Bucket TERMINATE_INSTANCES_RESOURCE = new Bucket(1_000, 20);

    /** One bucket: {@code capacity} tokens, {@code refillPerSecond} added a second up to the capacity. */
    public record Bucket(double capacity, double refillPerSecond) {
        public Bucket {
            if (capacity <= 0 || refillPerSecond <= 0) {
                throw new IllegalArgumentException("a bucket needs a positive capacity and refill: "
                        + capacity + ", " + refillPerSecond);
            }
        }
    }

    public Ec2RateLimits {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be positive: " + timeScale);
        }
        request = Map.copyOf(Objects.requireNonNull(request, "request"));
        resource = Map.copyOf(Objects.requireNonNull(resource, "resource"));
        Objects.requireNonNull(defaultRequest, "defaultRequest");
    }

    /** EC2's documented figures, on. */
    public static Ec2RateLimits ec2Defaults() {
        Map<String, Bucket> request = new LinkedHashMap<>();
        request.put(RUN_INSTANCES, MUTATING);
        request.put(TERMINATE_INSTANCES, MUTATING);
        request.put("CreateTags", MUTATING);
        request.put("DescribeInstances", NON_MUTATING);
        return new Ec2RateLimits(true, 1, request, NON_MUTATING,
                Map.of(RUN_INSTANCES, RUN_INSTANCES_RESOURCE, TERMINATE_INSTANCES, TERMINATE_INSTANCES_RESOURCE));
    }

    /** No throttling but what {@link Ec2Faults} injects: the default, so tests run at full speed. */
    public static Ec2RateLimits off() {
        return ec2Defaults().withEnabled(false);
    }

    public Ec2RateLimits withEnabled(boolean on) {
        return new Ec2RateLimits(on, timeScale, request, defaultRequest, resource);
    }

    public Ec2RateLimits withTimeScale(double scale) {
        return new Ec2RateLimits(enabled, scale, request, defaultRequest, resource);
    }

    public Ec2RateLimits withRequest(String action, Bucket bucket) {
        Map<String, Bucket> changed = new LinkedHashMap<>(request);
        changed.put(action, bucket);
        return new Ec2RateLimits(enabled, timeScale, changed, defaultRequest, resource);
    }

    public Ec2RateLimits withResource(String action, Bucket bucket) {
        Map<String, Bucket> changed = new LinkedHashMap<>(resource);
        changed.put(action, bucket);
        return new Ec2RateLimits(enabled, timeScale, request, defaultRequest, changed);
    }

    Bucket requestBucket(String action) {
        return request.getOrDefault(action, defaultRequest);
    }
}
