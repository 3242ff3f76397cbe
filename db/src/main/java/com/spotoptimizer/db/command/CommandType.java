package com.spotoptimizer.db.command;

import java.util.Arrays;
import java.util.Optional;

/** Command types and their priorities: an agent always gets higher priority first, oldest first within one. */
public enum CommandType {
    LAUNCH_INSTANCE(100),
    TERMINATE_INSTANCE(100),
    MANUAL_SWITCH(75),
    ML_URGENT_SWITCH(50),
    ML_NORMAL_SWITCH(25),
    SCHEDULED_MAINTENANCE(10);

    private final int priority;

    CommandType(int priority) {
        this.priority = priority;
    }

    public int priority() {
        return priority;
    }

    /** Types a client may queue directly; launch and terminate go through their workflows. */
    public boolean isClientQueueable() {
        return this != LAUNCH_INSTANCE && this != TERMINATE_INSTANCE;
    }

    /** A move of the optimizer: its workflow, not an agent, records its outcome. */
    public boolean isMove() {
        return isClientQueueable();
    }

    public static Optional<CommandType> parse(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
