package com.spotoptimizer.api.presence;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.move.InterruptionFailovers;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.AgentEmergencies;
import com.spotoptimizer.db.account.AgentPresence;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The seed's agent heartbeat and emergency endpoints. An agent token acts for its own agent id only.
 * A heartbeat that brings the agent online announces AGENT_STATUS_CHANGED; going offline is the
 * {@link AgentOfflineSweeper}'s. An emergency notice announces EMERGENCY_EVENT once; a spot interruption of a
 * running primary also starts its failover ({@link InterruptionFailovers}).
 */
@RestController
@RequestMapping("/api/agents/{agentId}")
public class PresenceController {

    private final AgentPresence presence;
    private final AgentEmergencies emergencies;
    private final InterruptionFailovers failovers;
    private final Clock clock;

    public PresenceController(AgentPresence presence, AgentEmergencies emergencies, InterruptionFailovers failovers,
                              Clock clock) {
        this.presence = presence;
        this.emergencies = emergencies;
        this.failovers = failovers;
        this.clock = clock;
    }

    public record HeartbeatResponse(String agentId, String status, Instant lastHeartbeatAt, boolean statusChanged) {
    }

    public record EmergencyResponse(String agentId, String kind, String ec2InstanceId, String instanceId, long eventId,
                                    boolean recorded) {
    }

    /** Any body is ignored: the seed's agents send their own status fields, the call itself is the signal. */
    @PostMapping("/heartbeat")
    Mono<HeartbeatResponse> heartbeat(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                      @PathVariable String agentId) {
        Caller.of(principal).requireAgent(agentId);
        return presence.heartbeat(agentId, clock.instant())
                .switchIfEmpty(Mono.error(() -> Problems.notFound("agent " + agentId)))
                .map(h -> new HeartbeatResponse(h.agentId(), h.status(), h.lastHeartbeatAt(), h.changed()));
    }

    @PostMapping(path = "/emergency", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<EmergencyResponse> emergency(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                      @PathVariable String agentId, @Valid @RequestBody EmergencyRequest request) {
        Caller caller = Caller.of(principal);
        caller.requireAgent(agentId);
        AgentEmergencies.Notice notice = new AgentEmergencies.Notice(agentId, caller.clientId(), request.kind(),
                request.ec2InstanceId(), request.actionTime());
        return emergencies.record(notice, clock.instant())
                // A notice about an instance this agent does not own (or that does not exist) changes nothing.
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + request.ec2InstanceId() + " of agent "
                        + agentId)))
                // A spot interruption of a running primary starts its failover (a repeat of the notice joins it).
                .flatMap(r -> failovers.onNotice(request.kind(), r.instanceId(), request.actionTime()).thenReturn(r))
                .map(r -> new EmergencyResponse(agentId, request.kind(), request.ec2InstanceId(),
                        r.instanceId() == null ? null : r.instanceId().toString(), r.eventId(), r.created()));
    }
}
