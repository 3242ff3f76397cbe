package com.spotoptimizer.local;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mode's Temporal service: Temporal's Java test server on a port, in real time, with sticky
 * execution turned off for every worker that talks to it.
 *
 * <p>Why: a worker that completes a workflow task names its own sticky queue, and the service then routes
 * the workflow's next tasks (a signal, a timer, an activity result) to that queue only. A real Temporal
 * server moves such a task back to the normal queue when no worker takes it within the sticky
 * schedule-to-start timeout (5 s by default), so the death of that worker costs 5 s. The Java test server
 * (1.38) has no such timeout: it starts a workflow task's only timer when a worker <em>takes</em> the task
 * ({@code TestWorkflowMutableStateImpl.startWorkflowTask}), routes every new task to the sticky queue
 * while sticky attributes are set ({@code TestWorkflowStoreImpl.save}), and has no ResetStickyTaskQueue.
 * After a {@code kill -9} of the worker that handled a workflow last, its next task waits on a queue
 * nobody polls, forever: confirmed launches stay {@code launching} and even the 5-minute deadline's task
 * is never run.
 *
 * <p>So the service drops the sticky attributes of every workflow task completed by a worker in another
 * process before the test server sees them: that workflow's next task goes to its task queue, where any live
 * worker takes it (with the full history, so it replays from the start). That holds for workers in this JVM too:
 * an API restarted in place (as the chaos run does) leaves its old worker's sticky queue behind just as a killed
 * process does. The replays cost little (a lifecycle history is a few dozen events). Workers need no setting for
 * this, whichever process they run in; against a real server they all keep sticky execution.
 *
 * <p>{@code TestServicesStarter} and {@code GRPCServerHelper} are the test server's internal classes (what
 * {@code TestServer.createPortBoundServer} does, plus the interceptor): re-check them on a Temporal upgrade.
 */
final class InProcessTemporal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InProcessTemporal.class);

    private final TestServicesStarter services;
    private final Server server;

    private InProcessTemporal(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /** Starts the service on {@code port} (all interfaces, as the test server does), time skipping locked. */
    static InProcessTemporal start(int port) throws IOException {
        TestServicesStarter services = new TestServicesStarter(true, 0);
        try {
            ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
            GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder,
                    List.of(new NonStickyWorkflowTasks()));
            Server server = builder.build().start();
            log.info("Started in-process Temporal service port={} sticky_execution=off", server.getPort());
            return new InProcessTemporal(services, server);
        } catch (IOException | RuntimeException e) {
            services.close();
            throw e;
        }
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("In-process Temporal service did not stop in 5 s; forcing it");
        }
        services.close();
        server.shutdownNow();
    }

    /** Clears {@code sticky_attributes} from RespondWorkflowTaskCompleted; passes every other call through. */
    static final class NonStickyWorkflowTasks implements ServerInterceptor {

        private static final String RESPOND_COMPLETED =
                WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod().getFullMethodName();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            ServerCall.Listener<Q> listener = next.startCall(call, headers);
            if (!RESPOND_COMPLETED.equals(call.getMethodDescriptor().getFullMethodName())) {
                return listener;
            }
            return new SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onMessage(Q message) {
                    super.onMessage(withoutSticky(message));
                }
            };
        }

        @SuppressWarnings("unchecked")
        <Q> Q withoutSticky(Q message) {
            if (message instanceof RespondWorkflowTaskCompletedRequest request && request.hasStickyAttributes()) {
                return (Q) request.toBuilder().clearStickyAttributes().build();
            }
            return message;
        }
    }
}
