package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import org.junit.jupiter.api.Test;

class InProcessTemporalTest {

    private final InProcessTemporal.NonStickyWorkflowTasks interceptor =
            new InProcessTemporal.NonStickyWorkflowTasks();

    @Test
    void workflowTaskCompletedInAnotherProcessLosesItsStickyQueueAndKeepsEverythingElse() {
        RespondWorkflowTaskCompletedRequest sticky = RespondWorkflowTaskCompletedRequest.newBuilder()
                .setTaskToken(ByteString.copyFromUtf8("token"))
                .setIdentity("977@replica-b")
                .setStickyAttributes(StickyExecutionAttributes.newBuilder()
                        .setWorkerTaskQueue(TaskQueue.newBuilder().setName("replica-b:sticky")))
                .build();

        RespondWorkflowTaskCompletedRequest sent = interceptor.withoutSticky(sticky);

        assertThat(sent.hasStickyAttributes()).isFalse();
        assertThat(sent).isEqualTo(sticky.toBuilder().clearStickyAttributes().build());
    }

    @Test
    void workflowTaskCompletedInThisProcessLosesItsStickyQueueToo() {
        RespondWorkflowTaskCompletedRequest sticky = RespondWorkflowTaskCompletedRequest.newBuilder()
                .setIdentity("4242@replica-a")
                .setStickyAttributes(StickyExecutionAttributes.newBuilder()
                        .setWorkerTaskQueue(TaskQueue.newBuilder().setName("replica-a:sticky")))
                .build();

        // A worker of this JVM can be stopped and replaced while the service runs (an API restarted in place).
        assertThat(interceptor.withoutSticky(sticky).hasStickyAttributes()).isFalse();
    }

    @Test
    void otherCallsPassUnchanged() {
        PollWorkflowTaskQueueRequest poll = PollWorkflowTaskQueueRequest.newBuilder().setIdentity("replica-a").build();

        assertThat(interceptor.withoutSticky(poll)).isSameAs(poll);
    }
}
