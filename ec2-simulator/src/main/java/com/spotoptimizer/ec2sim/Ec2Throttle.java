package com.spotoptimizer.ec2sim;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The buckets of {@link Ec2RateLimits}, one set per account and region. An account is the request's access key
 * (the simulator has no accounts of its own), the region the one its SigV4 credential scope names.
 */
final class Ec2Throttle {

    /** {@code Credential=AKID/20260101/us-east-1/ec2/aws4_request} in the Authorization header. */
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/");
    static final String UNSIGNED = "unsigned/us-east-1";

    private record Key(String scope, String action, boolean resource) {
    }

    private volatile Ec2RateLimits limits;
    private final Clock clock;
    private final Map<Key, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong throttled = new AtomicLong();

    Ec2Throttle(Ec2RateLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** "access key/region" of a request, from its Authorization header (null: unsigned). */
    static String scope(String authorization) {
        if (authorization == null) {
            return UNSIGNED;
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? m.group(1) + "/" + m.group(2) : UNSIGNED;
    }

    /**
     * Admits a call costing {@code resourceCost} resource tokens (instances launched or terminated), or answers
     * {@code RequestLimitExceeded}. A refused call takes no token from either bucket.
     */
    synchronized Optional<Ec2Error> admit(String scope, String action, int resourceCost) {
        Ec2RateLimits now = limits;
        if (!now.enabled()) {
            return Optional.empty();
        }
        TokenBucket request = bucket(new Key(scope, action, false), now.requestBucket(action), now);
        Ec2RateLimits.Bucket resourceLimit = now.resource().get(action);
        TokenBucket resource = resourceLimit == null ? null : bucket(new Key(scope, action, true), resourceLimit, now);
        boolean ok = request.has(1) && (resource == null || resource.has(resourceCost));
        if (!ok) {
            throttled.incrementAndGet();
            return Optional.of(new Ec2Error("RequestLimitExceeded", "Request limit exceeded."));
        }
        request.take(1);
        if (resource != null) {
            resource.take(resourceCost);
        }
        return Optional.empty();
    }

    /** New limits; the buckets start over (full). */
    synchronized void configure(Ec2RateLimits changed) {
        limits = changed;
        buckets.clear();
    }

    synchronized void reset() {
        buckets.clear();
        throttled.set(0);
    }

    Ec2RateLimits limits() {
        return limits;
    }

    /** How many calls the buckets refused since start or {@link #reset()}. */
    long throttledCount() {
        return throttled.get();
    }

    /** Tokens left in each bucket, for the admin endpoint and tests: "scope action request|resource" → tokens. */
    synchronized Map<String, Double> levels() {
        Map<String, Double> out = new LinkedHashMap<>();
        buckets.forEach((k, b) -> out.put(k.scope() + " " + k.action() + (k.resource() ? " resource" : " request"),
                b.tokens()));
        return out;
    }

    private TokenBucket bucket(Key key, Ec2RateLimits.Bucket limit, Ec2RateLimits current) {
        return buckets.computeIfAbsent(key,
                k -> new TokenBucket(limit.capacity(), limit.refillPerSecond() * current.timeScale(), clock));
    }
}
