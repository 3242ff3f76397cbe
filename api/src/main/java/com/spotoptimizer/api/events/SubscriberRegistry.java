package com.spotoptimizer.api.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Who listens on this replica: one {@link ClientChannel} per client with open streams, each holding
 * that client's {@link Subscriber}s. A channel exists exactly while it has subscribers.
 */
final class SubscriberRegistry {

    private final EventHub hub;
    private final Map<String, ClientChannel> channels = new ConcurrentHashMap<>();
    /** The deepest queue of a subscriber that has left (the open ones are asked directly). */
    private final AtomicInteger maxQueueDepthGone = new AtomicInteger();

    SubscriberRegistry(EventHub hub) {
        this.hub = hub;
    }

    /** Adds a subscriber to its client's channel (made if it is the first, starting at {@code knownHead}). */
    ClientChannel register(Subscriber subscriber, long knownHead) {
        return channels.compute(subscriber.clientId(), (clientId, channel) -> {
            ClientChannel c = channel != null ? channel : new ClientChannel(hub, clientId, knownHead);
            c.add(subscriber);
            return c;
        });
    }

    /** Removes a subscriber whose stream has ended; the channel goes with its last subscriber. */
    void detach(Subscriber subscriber) {
        subscriber.disposed();
        maxQueueDepthGone.accumulateAndGet(subscriber.maxDepth(), Math::max);
        channels.computeIfPresent(subscriber.clientId(), (clientId, channel) -> channel.remove(subscriber) ? null : channel);
    }

    void noteDepth(Subscriber subscriber) {
        maxQueueDepthGone.accumulateAndGet(subscriber.maxDepth(), Math::max);
    }

    ClientChannel channel(String clientId) {
        return channels.get(clientId);
    }

    boolean isEmpty() {
        return channels.isEmpty();
    }

    List<String> clientIds() {
        return new ArrayList<>(channels.keySet());
    }

    void forEachChannel(Consumer<ClientChannel> action) {
        channels.values().forEach(action);
    }

    void forEachSubscriber(Consumer<Subscriber> action) {
        for (ClientChannel channel : channels.values()) {
            channel.subscribers().forEach(action);
        }
    }

    int openConnections(String clientId) {
        ClientChannel channel = channels.get(clientId);
        return channel == null ? 0 : channel.size();
    }

    int maxQueueDepth() {
        int deepest = maxQueueDepthGone.get();
        for (ClientChannel channel : channels.values()) {
            for (Subscriber subscriber : channel.subscribers()) {
                deepest = Math.max(deepest, subscriber.maxDepth());
            }
        }
        return deepest;
    }
}
