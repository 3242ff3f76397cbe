package com.spotoptimizer.db.account;

/** Who a bearer token acts for: a client, or one agent of a client. */
public record TokenPrincipal(String kind, String clientId, String agentId) {

    public static final String CLIENT = "CLIENT";
    public static final String AGENT = "AGENT";

    public boolean isAgent() {
        return AGENT.equals(kind);
    }
}
