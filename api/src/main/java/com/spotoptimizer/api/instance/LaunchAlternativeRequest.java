package com.spotoptimizer.api.instance;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** One element of a launch's {@code alternatives}: tried, in order, when EC2 refuses for capacity. */
public record LaunchAlternativeRequest(
        @NotBlank @Size(max = 32) @Pattern(regexp = LaunchRequest.INSTANCE_TYPE,
                message = "must be an EC2 instance type such as t3.micro") String instanceType,
        @Size(max = 64) @Pattern(regexp = "^subnet-[0-9a-f]{1,32}$", message = "must be a subnet id such as subnet-0abc12")
        String subnetId) {
}
