package com.spotoptimizer.db.instance;

import java.util.UUID;

/** No row with that id. */
public class NoSuchInstanceException extends IllegalArgumentException {

    public NoSuchInstanceException(UUID instanceId) {
        super("no instance " + instanceId);
    }
}
