package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;

/** What a stuck-workflow investigation wants to see: the phase and the last recorded row. */
public record LaunchProgress(String phase, InstanceSnapshot instance, boolean terminationRequested) {
}
