package com.spotoptimizer.api.command;

import com.spotoptimizer.api.auth.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Switch and maintenance commands queued by a client (launch and terminate have their own endpoints). */
@RestController
public class CommandController {

    private final CommandService service;

    public CommandController(CommandService service) {
        this.service = service;
    }

    @PostMapping(path = "/api/client/commands", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<CommandView>> queue(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                            @Valid @RequestBody QueueCommandRequest request) {
        return service.queue(Caller.of(principal), request)
                .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
    }

    /** A command with its status and, for a move, its recorded outcome. */
    @GetMapping("/api/client/commands/{commandId}")
    Mono<CommandView> get(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                          @PathVariable String commandId) {
        return service.get(Caller.of(principal), commandId);
    }
}
