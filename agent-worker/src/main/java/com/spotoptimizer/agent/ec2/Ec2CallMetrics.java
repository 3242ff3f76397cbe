package com.spotoptimizer.agent.ec2;

import com.spotoptimizer.agent.system.Ec2Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every HTTP attempt, not only the call the SDK finally returns: AWS rate-limits attempts, and a
 * throttle the SDK retried away is exactly what an operator needs to see before it becomes a failure.
 * An error answer's body is small XML; its {@code <Code>} is read here and the bytes handed on unchanged.
 */
final class Ec2CallMetrics implements ExecutionInterceptor {

    private static final Pattern CODE = Pattern.compile("<Code>([^<]+)</Code>");

    private final Ec2Metrics metrics;

    Ec2CallMetrics(Ec2Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        String action = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        int status = context.httpResponse().statusCode();
        if (context.httpResponse().isSuccessful()) {
            metrics.call(action, true);
            return context.responseBody();
        }
        metrics.call(action, false);
        if (context.responseBody().isEmpty()) {
            metrics.error(action, null, status);
            return context.responseBody();
        }
        try (InputStream body = context.responseBody().get()) {
            byte[] bytes = body.readAllBytes();
            Matcher code = CODE.matcher(new String(bytes, StandardCharsets.UTF_8));
            metrics.error(action, code.find() ? code.group(1) : null, status);
            return Optional.of(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A call whose last attempt got no HTTP answer at all (connection reset, attempt timeout). */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!(context.exception() instanceof AwsServiceException)) {
            String action = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            metrics.call(action, false);
            metrics.error(action, null, 0);
        }
    }
}
