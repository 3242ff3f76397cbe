package com.spotoptimizer.db.event;

/** Event type names: fixed by the API contract, since UIs subscribe to them by name. */
public final class EventTypes {

    public static final String INSTANCE_LAUNCHING = "INSTANCE_LAUNCHING";
    public static final String INSTANCE_RUNNING = "INSTANCE_RUNNING";
    public static final String INSTANCE_TERMINATING = "INSTANCE_TERMINATING";
    public static final String INSTANCE_TERMINATED = "INSTANCE_TERMINATED";
    public static final String INSTANCE_LAUNCH_FAILED = "INSTANCE_LAUNCH_FAILED";
    public static final String INSTANCE_LAUNCH_TIMED_OUT = "INSTANCE_LAUNCH_TIMED_OUT";
    public static final String INSTANCE_TERMINATION_FAILED = "INSTANCE_TERMINATION_FAILED";
    public static final String INSTANCE_TERMINATION_TIMED_OUT = "INSTANCE_TERMINATION_TIMED_OUT";
    /** A replica is being promoted ({@code running_replica → promoting}). */
    public static final String INSTANCE_PROMOTING = "INSTANCE_PROMOTING";
    /** The replica is the primary now ({@code promoting → running_primary}). */
    public static final String INSTANCE_PROMOTED = "INSTANCE_PROMOTED";
    /** The former primary serves on as a replica ({@code running_primary → running_replica}). */
    public static final String INSTANCE_DEMOTED = "INSTANCE_DEMOTED";
    /** Still launching; the agent waits for EC2's rate budget (data.launch_queued_reason says why). */
    public static final String INSTANCE_LAUNCH_QUEUED = "INSTANCE_LAUNCH_QUEUED";
    /** Still launching; the agent made its EC2 call (data.launch_call_at): the 5-minute deadline runs from here. */
    public static final String INSTANCE_LAUNCH_CALL_MADE = "INSTANCE_LAUNCH_CALL_MADE";
    /** Still launching; EC2 refused an attempt for capacity and the next alternative runs (data: launched_with). */
    public static final String INSTANCE_LAUNCH_ATTEMPT = "INSTANCE_LAUNCH_ATTEMPT";
    public static final String AGENT_STATUS_CHANGED = "AGENT_STATUS_CHANGED";
    public static final String EMERGENCY_EVENT = "EMERGENCY_EVENT";
    public static final String COMMAND_EXECUTED = "COMMAND_EXECUTED";
    public static final String HEARTBEAT = "HEARTBEAT";
    /** The resume point is older than retention: re-list, then watch from the list's last_event_id. */
    public static final String RESYNC = "RESYNC";

    private EventTypes() {
    }
}
