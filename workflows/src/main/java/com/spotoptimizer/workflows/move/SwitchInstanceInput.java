package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.time.Duration;

/**
 * A switch (MANUAL_SWITCH, ML_URGENT_SWITCH, ML_NORMAL_SWITCH) or SCHEDULED_MAINTENANCE, fixed at start:
 * {@code replacement} is the replica to launch (its request id derived from the move's, so it is one instance
 * across crashes; priority the command's), {@code oldTermination} the old primary's termination (same priority),
 * {@code replacementTimeout} how long to wait for the replacement to settle (the launch's timeout plus a grace).
 */
public record SwitchInstanceInput(
        MoveCommand command,
        String oldInstanceId,
        LaunchInstanceInput replacement,
        TerminateInstanceInput oldTermination,
        Duration replacementTimeout) {
}
