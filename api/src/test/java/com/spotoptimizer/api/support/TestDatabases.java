package com.spotoptimizer.api.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh database per test class on the machine's PostgreSQL (127.0.0.1:5432, trust auth), so test
 * classes never see each other's rows.
 */
public final class TestDatabases {

    public static final String HOST = System.getProperty("spot.test.pg.host", "127.0.0.1");
    public static final int PORT = Integer.getInteger("spot.test.pg.port", 5432);
    public static final String USER = System.getProperty("spot.test.pg.user", "postgres");

    private TestDatabases() {
    }

    public static String create(Class<?> owner) {
        String name = ("spot_" + owner.getSimpleName() + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on " + HOST + ":" + PORT + " (see README)", e);
        }
        return name;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    public static String r2dbcUrl(String database) {
        return "r2dbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** Runs one SQL query returning a single number: for asserting what the tables hold. */
    public static long count(String database, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), USER, "");
             Statement s = c.createStatement();
             var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
