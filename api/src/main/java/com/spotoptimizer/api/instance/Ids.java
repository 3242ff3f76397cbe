package com.spotoptimizer.api.instance;

/** The id grammar the API accepts for client-chosen ids (request ids, agent ids). */
public final class Ids {

    public static final String PATTERN = "^[A-Za-z0-9_-]{1,64}$";
    public static final String MESSAGE = "must be 1-64 characters of A-Z a-z 0-9 _ -";

    private Ids() {
    }
}
