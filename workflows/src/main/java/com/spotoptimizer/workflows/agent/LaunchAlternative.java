package com.spotoptimizer.workflows.agent;

/**
 * One way to run a launch: an instance type and (optionally) a subnet. A launch tries its own first, then its
 * alternatives in order, each time EC2 refuses for capacity ({@code InsufficientInstanceCapacity}, {@code Unsupported}).
 */
public record LaunchAlternative(String instanceType, String subnetId) {
}
