package com.gitlab.ops.platform.flags;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.gitlab.ops.platform.config.PlatformConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definitions of the flags this service evaluates ({@code platform.flags}), read once from
 * {@code config/feature_flags/NAME.yml} on the classpath. A flag without a valid definition stops
 * the service at startup, with the file it expected: as in GitLab, a flag is not used before it is
 * defined.
 */
@ApplicationScoped
public class FlagDefinitionRegistry {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Map<String, FlagDefinition> definitions = new LinkedHashMap<>();

    public FlagDefinitionRegistry(PlatformConfig config) {
        for (String flag : config.flags().orElse(List.of())) {
            definitions.put(flag, read(config.flagDefinitions() + "/" + flag + ".yml", flag));
        }
    }

    /** Every flag this service evaluates, in the order configured. */
    public Map<String, FlagDefinition> all() {
        return definitions;
    }

    public FlagDefinition of(String flag) {
        FlagDefinition definition = definitions.get(flag);
        if (definition == null) {
            throw new IllegalArgumentException("flag '" + flag + "' is not defined for this service: add config/feature_flags/" + flag
                    + ".yml and list it in platform.flags");
        }
        return definition;
    }

    private static FlagDefinition read(String resource, String flag) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("flag '" + flag + "' has no definition: " + resource + " is missing");
            }
            FlagDefinition definition = YAML.readValue(in, FlagDefinition.class);
            if (!flag.equals(definition.name())) {
                throw new IllegalStateException(resource + " names the flag '" + definition.name() + "', not '" + flag + "'");
            }
            if (definition.defaultEnabled() == null) {
                throw new IllegalStateException(resource + " has no default_enabled (true or false)");
            }
            return definition;
        } catch (IOException e) {
            throw new UncheckedIOException(resource + " is not a valid flag definition", e);
        }
    }
}
