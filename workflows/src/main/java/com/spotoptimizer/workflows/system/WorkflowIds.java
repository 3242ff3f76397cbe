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

    /** One promotion per client request. */
    public static String promote(String clientId, String requestId) {
        return "promote-" + clientId + "-" + requestId;
    }

    /** One switch (or maintenance) per client request: a request id names one move. */
    public static String move(String clientId, String requestId) {
        return "move-" + clientId + "-" + requestId;
    }

    /** One failover per interrupted instance and notice (the notice's action time). */
    public static String failover(String instanceId, String noticeKey) {
        return "failover-" + instanceId + "-" + noticeKey;
    }
}
