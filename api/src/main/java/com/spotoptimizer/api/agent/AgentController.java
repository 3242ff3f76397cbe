package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.auth.Caller;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The seed's HTTP agent protocol: an agent token acts for its own agent id only. */
@RestController
@RequestMapping("/api/agents/{agentId}")
public class AgentController {

    private final AgentCommandService service;

    public AgentController(AgentCommandService service) {
        this.service = service;
    }

    @GetMapping("/pending-commands")
    Mono<List<PendingCommand>> pending(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                       @PathVariable String agentId) {
        Caller.of(principal).requireAgent(agentId);
        return service.pending(agentId).collectList();
    }

    @PostMapping(path = "/instance-launched", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<LaunchConfirmedResponse> launched(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                           @PathVariable String agentId, @Valid @RequestBody LaunchConfirmedRequest request) {
        Caller.of(principal).requireAgent(agentId);
        return service.confirmLaunched(agentId, request);
    }

    @PostMapping(path = "/instance-terminated", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<TerminationConfirmedResponse> terminated(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                                  @PathVariable String agentId,
                                                  @Valid @RequestBody TerminationConfirmedRequest request) {
        Caller.of(principal).requireAgent(agentId);
        return service.confirmTerminated(agentId, request);
    }

    @PostMapping(path = "/commands/{commandId}/result", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<Map<String, Object>> result(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                     @PathVariable String agentId, @PathVariable String commandId,
                                     @Valid @RequestBody CommandResultRequest request) {
        Caller.of(principal).requireAgent(agentId);
        return service.recordResult(agentId, commandId, request)
                .map(recorded -> Map.of("command_id", commandId, "recorded", recorded));
    }
}
