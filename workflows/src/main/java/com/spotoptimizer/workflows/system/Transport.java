package com.spotoptimizer.workflows.system;

/** How an agent receives its commands. */
public enum Transport {
    /** The agent-worker polls its own Temporal task queue and confirms with a signal. */
    TEMPORAL,
    /** A deployed agent polls {@code /pending-commands} and confirms over HTTP; the API turns that into the signal. */
    HTTP
}
