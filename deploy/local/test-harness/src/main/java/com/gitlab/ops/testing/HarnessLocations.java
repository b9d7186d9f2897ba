package com.gitlab.ops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the pieces of deploy/local are in this checkout, as the build recorded them. */
final class HarnessLocations {

    private static final Properties PROPERTIES = load();

    private HarnessLocations() {
    }

    static Path kafkaBrokerDir() {
        return Path.of(PROPERTIES.getProperty("kafka.broker.dir")).normalize();
    }

    /** The checkout's root, where ./stack is. */
    static Path repositoryRoot() {
        return unleashDir().resolve("../../..").normalize();
    }

    static Path unleashDir() {
        return Path.of(PROPERTIES.getProperty("unleash.dir")).normalize();
    }

    static String brokerClasspath() {
        Path dir = kafkaBrokerDir();
        Path file = dir.resolve("target/broker.classpath");
        if (!Files.exists(file)) {
            throw new IllegalStateException("The Kafka broker is not built: run './mvnw -pl deploy/local/kafka package' (missing " + file + ")");
        }
        try {
            return dir.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = HarnessLocations.class.getResourceAsStream("harness.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
