package com.spotoptimizer.api.account;

import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.TokenPrincipal;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates the configured clients, agents and tokens at start-up; safe to run on every start. */
@Component
@Order(0)
public class AccountProvisioner implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AccountProvisioner.class);

    private final AccountsProperties properties;
    private final AccountRepository accounts;

    public AccountProvisioner(AccountsProperties properties, AccountRepository accounts) {
        this.properties = properties;
        this.accounts = accounts;
    }

    @Override
    public void run(ApplicationArguments args) {
        provision(properties).block(Duration.ofSeconds(30));
    }

    public Mono<Void> provision(AccountsProperties wanted) {
        return Flux.fromIterable(wanted.clients()).concatMap(client -> accounts.upsertClient(client.id(), client.name())
                .then(client.token() == null ? Mono.empty()
                        : accounts.upsertToken(client.token(), TokenPrincipal.CLIENT, client.id(), null, "provisioned"))
                .thenMany(Flux.fromIterable(client.agents()).concatMap(agent ->
                        accounts.upsertAgent(agent.id(), client.id(), agent.name() != null ? agent.name() : agent.id(),
                                        agent.transport() != null ? agent.transport() : "TEMPORAL")
                                .then(agent.token() == null ? Mono.empty()
                                        : accounts.upsertToken(agent.token(), TokenPrincipal.AGENT, client.id(), agent.id(),
                                                "provisioned"))))
                .then(Mono.fromRunnable(() -> log.info("Provisioned client_id={} agents={}", client.id(),
                        client.agents().stream().map(AccountsProperties.Agent::id).toList()))))
                .then();
    }
}
