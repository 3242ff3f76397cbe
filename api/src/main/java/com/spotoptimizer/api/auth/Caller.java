package com.spotoptimizer.api.auth;

import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.TokenPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;

/** Who is calling: a client, or one agent of a client. Built from the authenticated token. */
public record Caller(String kind, String clientId, String agentId) {

    static final String KIND = "kind";
    static final String CLIENT_ID = "client_id";
    static final String AGENT_ID = "agent_id";

    public static Caller of(OAuth2AuthenticatedPrincipal principal) {
        return new Caller(principal.getAttribute(KIND), principal.getAttribute(CLIENT_ID), principal.getAttribute(AGENT_ID));
    }

    public boolean isAgent() {
        return TokenPrincipal.AGENT.equals(kind);
    }

    /** An agent acts only for itself; anything else is answered as if the agent did not exist. */
    public void requireAgent(String pathAgentId) {
        if (!isAgent() || !agentId.equals(pathAgentId)) {
            throw Problems.notFound("agent " + pathAgentId);
        }
    }

    /** A client streams and reads only its own things. */
    public void requireClient(String pathClientId) {
        if (!clientId.equals(pathClientId)) {
            throw Problems.notFound("client " + pathClientId);
        }
    }
}
