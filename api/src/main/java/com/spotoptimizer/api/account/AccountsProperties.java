package com.spotoptimizer.api.account;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Accounts to provision at start-up ({@code spot.accounts.*}), idempotently. The local mode uses it
 * for the demo client and agents; an operator can use it (or the {@code provision} command) to create
 * real ones. Tokens are hashed before they are stored.
 */
@ConfigurationProperties("spot.accounts")
public record AccountsProperties(List<Client> clients) {

    public AccountsProperties {
        clients = clients != null ? clients : List.of();
    }

    public record Client(String id, String name, String token, List<Agent> agents) {

        public Client {
            agents = agents != null ? agents : List.of();
        }
    }

    /** @param transport TEMPORAL (served by an agent-worker) or HTTP (polls pending-commands) */
    public record Agent(String id, String name, String token, String transport) {
    }
}
