package com.spotoptimizer.agent.pacing;

/** The EC2 mutations the agent paces; each has a request bucket and a resource bucket of its own. */
public enum Ec2Action {
    RUN_INSTANCES("RunInstances"),
    TERMINATE_INSTANCES("TerminateInstances");

    private final String apiName;

    Ec2Action(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
