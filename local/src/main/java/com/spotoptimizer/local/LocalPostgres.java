package com.spotoptimizer.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mode's database: the PostgreSQL on 127.0.0.1:5432 when one answers, otherwise an embedded
 * one whose data directory survives restarts (fsync and synchronous_commit on: it is data you keep).
 */
final class LocalPostgres implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final String host;
    private final int port;
    private final String user;
    private final String database;
    private final EmbeddedPostgres embedded;

    private LocalPostgres(String host, int port, String user, String database, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.database = database;
        this.embedded = embedded;
    }

    static LocalPostgres start(LocalSettings settings) throws IOException {
        if (answers(settings.pgHost(), settings.pgPort(), settings.pgUser())) {
            ensureDatabase(settings.pgHost(), settings.pgPort(), settings.pgUser(), settings.database());
            log.info("Using PostgreSQL at {}:{} database={}", settings.pgHost(), settings.pgPort(), settings.database());
            return new LocalPostgres(settings.pgHost(), settings.pgPort(), settings.pgUser(), settings.database(), null);
        }
        Path dataDir = settings.dataDirectory().resolve("postgres");
        Files.createDirectories(dataDir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(settings.embeddedPgPort())
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        ensureDatabase("127.0.0.1", pg.getPort(), "postgres", settings.database());
        log.info("Started embedded PostgreSQL port={} data={}", pg.getPort(), dataDir.toAbsolutePath());
        return new LocalPostgres("127.0.0.1", pg.getPort(), "postgres", settings.database(), pg);
    }

    String r2dbcUrl() {
        return "r2dbc:postgresql://" + host + ":" + port + "/" + database;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    String user() {
        return user;
    }

    private static boolean answers(String host, int port, String user) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("connectTimeout", "2");
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", props)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void ensureDatabase(String host, int port, String user, String database) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
             Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database " + database, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
