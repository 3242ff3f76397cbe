package com.spotoptimizer.workflows.system;

/** Workflow ids are business keys, so a duplicate start is a no-op rather than a second execution. */
public final class WorkflowIds {

    private WorkflowIds() {
    }

    /** One launch per client request; request ids are unique per client, not globally. */
    public static String launch(String clientId, String requestId) {
        return "launch-" + clientId + "-" + requestId;
    }

    /** One termination per instance: a second terminate request joins the running one. */
    public static String terminate(String instanceId) {
        return "terminate-" + instanceId;
    }
}
