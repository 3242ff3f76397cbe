package com.spotoptimizer.api.instance;

import java.util.List;

/** The client's instances and the event id this list is consistent with: subscribe from it to miss nothing. */
public record InstanceList(List<InstanceView> instances, long lastEventId) {
}
