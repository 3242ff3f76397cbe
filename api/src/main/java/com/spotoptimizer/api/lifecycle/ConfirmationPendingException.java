package com.spotoptimizer.api.lifecycle;

/** A workflow has not answered a confirmation in time; the agent sends it again (repeats are harmless). */
public class ConfirmationPendingException extends RuntimeException {

    public ConfirmationPendingException(String workflowId) {
        super("workflow " + workflowId + " has not answered the confirmation yet");
    }
}
