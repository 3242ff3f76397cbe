package com.spotoptimizer.api.system;

import com.spotoptimizer.workflows.launch.LaunchTimeouts;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Lifecycle settings ({@code spot.lifecycle.*}). Timeouts are copied into each workflow's input at
 * start, so changing them affects new launches only.
 *
 * @param launchTimeout            how long a launch waits for the agent's confirmation
 * @param lateConfirmationWindow   how long a timed-out launch still listens for a late confirmation
 * @param terminationTimeout       how long a termination waits for the agent's confirmation
 * @param commandLease             how long an HTTP agent holds a command before it is handed out again
 * @param confirmationWait         how long an HTTP confirmation waits for the workflow to record it
 * @param reconcileInterval        how often in-flight rows are checked for a workflow that is gone
 */
@ConfigurationProperties("spot.lifecycle")
public record LifecycleProperties(
        Duration launchTimeout,
        Duration lateConfirmationWindow,
        Duration terminationTimeout,
        Duration commandLease,
        Duration confirmationWait,
        Duration reconcileInterval) {

    public LifecycleProperties {
        launchTimeout = launchTimeout != null ? launchTimeout : LaunchTimeouts.CONFIRMATION;
        lateConfirmationWindow = lateConfirmationWindow != null ? lateConfirmationWindow : LaunchTimeouts.LATE_CONFIRMATION_WINDOW;
        terminationTimeout = terminationTimeout != null ? terminationTimeout : TerminateTimeouts.CONFIRMATION;
        commandLease = commandLease != null ? commandLease : Duration.ofSeconds(60);
        confirmationWait = confirmationWait != null ? confirmationWait : Duration.ofSeconds(10);
        reconcileInterval = reconcileInterval != null ? reconcileInterval : Duration.ofMinutes(5);
    }
}
