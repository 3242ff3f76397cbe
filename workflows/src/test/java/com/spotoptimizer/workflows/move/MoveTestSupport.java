package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking for a move's result lets the test server skip time, so tests call it last. */
final class MoveTestSupport {

    private MoveTestSupport() {
    }

    static MoveResult result(Object typedStub) {
        WorkflowStub stub = WorkflowTestHarness.untyped(typedStub);
        try {
            return stub.getResult(30, TimeUnit.SECONDS, MoveResult.class);
        } catch (TimeoutException e) {
            throw new AssertionError("move " + stub.getExecution().getWorkflowId() + " did not close", e);
        }
    }
}
