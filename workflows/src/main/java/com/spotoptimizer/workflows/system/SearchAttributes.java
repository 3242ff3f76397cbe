package com.spotoptimizer.workflows.system;

import io.temporal.common.SearchAttributeKey;

/**
 * Search attributes on every lifecycle workflow, so a stuck launch is one Temporal UI query away:
 * {@code SpotInstanceState = "launching" AND ExecutionStatus = "Running"}.
 * They must be registered on the namespace (the local mode and tests do it; see README).
 */
public final class SearchAttributes {

    public static final SearchAttributeKey<String> INSTANCE_ID = SearchAttributeKey.forKeyword("SpotInstanceId");
    public static final SearchAttributeKey<String> CLIENT_ID = SearchAttributeKey.forKeyword("SpotClientId");
    public static final SearchAttributeKey<String> AGENT_ID = SearchAttributeKey.forKeyword("SpotAgentId");
    public static final SearchAttributeKey<String> INSTANCE_STATE = SearchAttributeKey.forKeyword("SpotInstanceState");

    public static final java.util.List<SearchAttributeKey<String>> ALL =
            java.util.List.of(INSTANCE_ID, CLIENT_ID, AGENT_ID, INSTANCE_STATE);

    private SearchAttributes() {
    }
}
