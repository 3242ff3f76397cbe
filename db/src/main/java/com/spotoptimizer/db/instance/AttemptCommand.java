package com.spotoptimizer.db.instance;

import java.util.function.Function;

/**
 * The LAUNCH_INSTANCE command an HTTP agent gets for a launch attempt after the first: its priority and its
 * metadata, computed from the row (which holds the client's launch metadata).
 */
public record AttemptCommand(int priority, Function<InstanceRow, String> metadata) {
}
