package com.spotoptimizer.agent.pacing;

import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesRequest;

/**
 * Charges the pacer for the SDK's own retries of RunInstances and TerminateInstances. The pacer grants one turn
 * per call, but EC2 meters every HTTP attempt: an attempt that timed out on the client and is sent again spends
 * tokens at EC2 that the pacer never handed out (the 1,200-launch run met 18 RequestLimitExceeded that way). Each
 * retried attempt is taken from the pacer's buckets too, even into debt, so the next turns wait for it.
 */
public final class RetryCharge implements ExecutionInterceptor {

    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("spot.pacing.attempts");

    private final AtomicReference<Ec2Pacer> pacer = new AtomicReference<>();

    /** The pacer to charge; until set (or when pacing is off) retries are not charged. */
    public void pacer(Ec2Pacer value) {
        pacer.set(value);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Integer before = attributes.getAttribute(ATTEMPTS);
        int attempt = before == null ? 1 : before + 1;
        attributes.putAttribute(ATTEMPTS, attempt);
        Ec2Pacer current = pacer.get();
        if (attempt == 1 || current == null) {
            return;
        }
        Object request = context.request();
        if (request instanceof RunInstancesRequest run) {
            current.charge(Ec2Action.RUN_INSTANCES, run.maxCount() == null ? 1 : run.maxCount());
        } else if (request instanceof TerminateInstancesRequest terminate) {
            current.charge(Ec2Action.TERMINATE_INSTANCES, Math.max(1, terminate.instanceIds().size()));
        }
    }

}
