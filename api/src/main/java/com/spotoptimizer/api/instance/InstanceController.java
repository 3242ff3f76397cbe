package com.spotoptimizer.api.instance;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The client's instance endpoints. */
@RestController
@RequestMapping("/api/client/instances")
public class InstanceController {

    private final InstanceService service;

    public InstanceController(InstanceService service) {
        this.service = service;
    }

    @PostMapping(path = "/launch", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<InstanceView>> launch(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                              @Valid @RequestBody LaunchRequest request) {
        return service.launch(Caller.of(principal), request)
                .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
    }

    @PostMapping(path = "/{instanceId}/terminate")
    Mono<ResponseEntity<InstanceView>> terminate(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                                 @PathVariable String instanceId,
                                                 @Valid @RequestBody(required = false) TerminateRequest request) {
        return service.terminate(Caller.of(principal), instanceId, request)
                .map(view -> ResponseEntity.status("terminated".equals(view.status()) ? HttpStatus.OK : HttpStatus.ACCEPTED)
                        .body(view));
    }

    @GetMapping
    Mono<InstanceList> list(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        return service.list(Caller.of(principal));
    }

    @GetMapping("/{instanceId}")
    Mono<InstanceView> get(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal, @PathVariable String instanceId) {
        return service.get(Caller.of(principal), instanceId);
    }

    @GetMapping("/{instanceId}/events")
    Flux<InstanceHistoryEntry> history(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                       @PathVariable String instanceId) {
        return service.history(Caller.of(principal), instanceId);
    }
}
