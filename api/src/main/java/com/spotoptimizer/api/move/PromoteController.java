package com.spotoptimizer.api.move;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.instance.InstanceView;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /api/client/instances/{id}/promote}: 202 with the replica {@code promoting}. */
@RestController
public class PromoteController {

    private final PromoteService service;

    public PromoteController(PromoteService service) {
        this.service = service;
    }

    @PostMapping("/api/client/instances/{instanceId}/promote")
    Mono<ResponseEntity<InstanceView>> promote(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                               @PathVariable String instanceId,
                                               @Valid @RequestBody(required = false) PromoteRequest request) {
        return service.promote(Caller.of(principal), instanceId, request)
                .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
    }
}
