package com.spotoptimizer.api.auth;

import com.spotoptimizer.api.system.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;

/**
 * Bearer tokens for clients and agents. Client endpoints need a client token, agent endpoints an
 * agent token; 401 and 403 answers are problem documents like every other error.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfig {

    /** Requests the firewall refuses (encoded slashes or percent signs, ...) get a problem document too. */
    @Bean
    ServerExchangeRejectedHandler rejectedRequests(ProblemWriter problems) {
        return (exchange, e) -> problems.write(exchange, HttpStatus.BAD_REQUEST, "rejected-request", "Request rejected",
                "the request URL or headers are not allowed");
    }

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, TokenIntrospector introspector, ProblemWriter problems) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, e) -> problems.write(exchange, HttpStatus.UNAUTHORIZED,
                "unauthorized", "Unauthorized", "a valid bearer token is required");
        ServerAccessDeniedHandler forbidden = (exchange, e) -> problems.write(exchange, HttpStatus.FORBIDDEN,
                "forbidden", "Forbidden", "this token may not call this endpoint");
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(org.springframework.security.web.server.savedrequest.NoOpServerRequestCache.getInstance()))
                .authorizeExchange(auth -> auth
                        .pathMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus", "/actuator/info").permitAll()
                        .pathMatchers("/v3/api-docs/**").permitAll()
                        // The fleet page (ui module, classpath:/static); it signs in with a client token itself.
                        .pathMatchers("/", "/index.html", "/assets/**", "/favicon.svg").permitAll()
                        .pathMatchers("/api/agents/**").hasAuthority(TokenIntrospector.ROLE_AGENT)
                        .pathMatchers("/api/client/**").hasAuthority(TokenIntrospector.ROLE_CLIENT)
                        // The stream itself accepts a short-lived ticket instead (browsers cannot send headers);
                        // it checks the bearer token or the ticket itself (EventStreamController).
                        .pathMatchers("/api/events/stream/**").permitAll()
                        .pathMatchers("/api/events/tickets", "/api/events/stats").hasAuthority(TokenIntrospector.ROLE_CLIENT)
                        .pathMatchers("/api/**").authenticated()
                        .anyExchange().permitAll())
                .oauth2ResourceServer(rs -> rs
                        .opaqueToken(token -> token.introspector(introspector))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .build();
    }
}
