package com.spotoptimizer.api.auth;

import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.TokenPrincipal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.ReactiveOpaqueTokenIntrospector;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Resolves an opaque bearer token against the (hashed) token table, through Spring Security's
 * resource-server support. Clients get ROLE_CLIENT, agents ROLE_AGENT.
 */
@Component
public class TokenIntrospector implements ReactiveOpaqueTokenIntrospector {

    public static final String ROLE_CLIENT = "ROLE_CLIENT";
    public static final String ROLE_AGENT = "ROLE_AGENT";

    private final AccountRepository accounts;

    public TokenIntrospector(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @Override
    public Mono<OAuth2AuthenticatedPrincipal> introspect(String token) {
        return accounts.findByToken(token)
                .map(TokenIntrospector::principal)
                .switchIfEmpty(Mono.error(() -> new BadOpaqueTokenException("unknown or revoked token")));
    }

    public static OAuth2AuthenticatedPrincipal principal(TokenPrincipal p) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(Caller.KIND, p.kind());
        attributes.put(Caller.CLIENT_ID, p.clientId());
        if (p.agentId() != null) {
            attributes.put(Caller.AGENT_ID, p.agentId());
        }
        String name = p.isAgent() ? "agent:" + p.agentId() : "client:" + p.clientId();
        return new DefaultOAuth2AuthenticatedPrincipal(name, attributes,
                List.of(new SimpleGrantedAuthority(p.isAgent() ? ROLE_AGENT : ROLE_CLIENT)));
    }
}
