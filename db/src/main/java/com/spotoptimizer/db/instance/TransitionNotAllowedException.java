package com.spotoptimizer.db.instance;

/** The state machine does not allow this move from the row's current state. */
public class TransitionNotAllowedException extends RuntimeException {

    private final InstanceStatus current;

    public TransitionNotAllowedException(InstanceStatus current, String attempted) {
        super("instance is " + current.value() + "; cannot " + attempted);
        this.current = current;
    }

    public InstanceStatus current() {
        return current;
    }
}
