package com.spotoptimizer.agent.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

class Ec2ErrorsTest {

    @ParameterizedTest(name = "{0} ({1}) -> retry by SDK: {2}, activity failure {3} non-retryable: {4}")
    @CsvSource({
            "InsufficientInstanceCapacity, 500, false, InsufficientInstanceCapacity, true",
            "InvalidParameterValue,        400, false, InvalidParameterValue,        true",
            "InvalidAMIID.NotFound,        400, false, InvalidParameterValue,        true",
            "UnauthorizedOperation,        403, false, UnauthorizedOperation,        true",
            "IdempotentParameterMismatch,  400, false, IdempotentParameterMismatch,  true",
            "VcpuLimitExceeded,            400, false, VcpuLimitExceeded,            true",
            "RequestLimitExceeded,         503, true,  RequestLimitExceeded,         false",
            "InternalError,                500, true,  InternalError,                false",
            "Unavailable,                  503, true,  Unavailable,                  false",
            "InvalidInstanceID.NotFound,   400, false, InvalidInstanceID.NotFound,   false"})
    void classifiesEc2ErrorsByCodeBeforeStatus(String code, int status, boolean transientForSdk, String type,
                                               boolean nonRetryable) {
        Ec2Exception error = (Ec2Exception) Ec2Exception.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("says EC2").build())
                .statusCode(status).build();

        assertThat(Ec2Errors.isTransient(error)).isEqualTo(transientForSdk);
        ApplicationFailure failure = Ec2Errors.toActivityFailure("RunInstances", error);
        assertThat(failure.getType()).isEqualTo(type);
        assertThat(failure.isNonRetryable()).isEqualTo(nonRetryable);
    }

    @Test
    void keepsEc2sPreciseCodeInTheMessageWhenTheTypeIsGeneral() {
        Ec2Exception error = (Ec2Exception) Ec2Exception.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidAMIID.NotFound")
                        .errorMessage("The image id '[ami-1]' does not exist").build())
                .statusCode(400).build();

        ApplicationFailure failure = Ec2Errors.toActivityFailure("RunInstances", error);

        assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_PARAMETER);
        assertThat(failure.getOriginalMessage()).isEqualTo("InvalidAMIID.NotFound: The image id '[ami-1]' does not exist");
    }

    @Test
    void aCallWithoutAnAnswerIsRetried() {
        SdkClientException lost = SdkClientException.create("Unable to execute HTTP request",
                new IOException("Connection reset"));

        assertThat(Ec2Errors.isTransient(lost)).isTrue();
        assertThat(Ec2Errors.toActivityFailure("RunInstances", lost).isNonRetryable()).isFalse();
        assertThat(Ec2Errors.isTransient(SdkClientException.create("Unable to load credentials"))).isFalse();
    }
}
