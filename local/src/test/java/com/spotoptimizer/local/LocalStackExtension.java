package com.spotoptimizer.local;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One default all-in-one per test class ({@code @RegisterExtension static}), with the simulator's faults
 * cleared after each test so a test's fault never leaks into the next.
 */
final class LocalStackExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private LocalStack stack;
    private E2eClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack = LocalStack.start();
        client = new E2eClient(stack);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ec2().faults().clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stack.close();
    }

    LocalStack stack() {
        return stack;
    }

    E2eClient client() {
        return client;
    }

    Ec2Simulator ec2() {
        return stack.app().ec2();
    }
}
