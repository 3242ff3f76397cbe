package com.spotoptimizer.api.groundtruth;

import com.spotoptimizer.api.auth.Caller;
import jakarta.validation.Valid;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** An agent's report of what EC2 says about one of its instances. */
@RestController
@RequestMapping("/api/agents/{agentId}")
public class GroundTruthController {

    private final GroundTruthService service;

    public GroundTruthController(GroundTruthService service) {
        this.service = service;
    }

    @PostMapping(path = "/instance-state", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<InstanceStateAnswer> instanceState(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                            @PathVariable String agentId, @Valid @RequestBody InstanceStateReport report) {
        Caller.of(principal).requireAgent(agentId);
        return service.instanceEnded(agentId, report);
    }
}
