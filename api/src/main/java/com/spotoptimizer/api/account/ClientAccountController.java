package com.spotoptimizer.api.account;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.db.account.AccountRepository;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Who the client token belongs to, and its agents (for sign-in and the launch form). */
@RestController
@RequestMapping("/api/client")
public class ClientAccountController {

    private final AccountRepository accounts;

    public ClientAccountController(AccountRepository accounts) {
        this.accounts = accounts;
    }

    public record Me(String clientId, String name) {
    }

    public record AgentView(String agentId, String name, String transport, String status, Instant lastHeartbeatAt) {
    }

    public record AgentList(List<AgentView> agents) {
    }

    @GetMapping("/me")
    Mono<Me> me(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        Caller caller = Caller.of(principal);
        return accounts.clientName(caller.clientId()).map(name -> new Me(caller.clientId(), name));
    }

    @GetMapping("/agents")
    Mono<AgentList> agents(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        return accounts.agentsOf(Caller.of(principal).clientId())
                .map(a -> new AgentView(a.agentId(), a.name(), a.transport(), a.status(), a.lastHeartbeatAt()))
                .collectList().map(AgentList::new);
    }
}
