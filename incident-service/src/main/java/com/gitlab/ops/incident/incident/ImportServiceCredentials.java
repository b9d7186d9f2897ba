package com.gitlab.ops.incident.incident;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/** HTTP Basic credentials for import-service, when its {@code /api} asks for them ({@code API_AUTH=authenticated}). */
@ApplicationScoped
public class ImportServiceCredentials implements ClientHeadersFactory {

    private final Optional<String> authorization;

    public ImportServiceCredentials(@ConfigProperty(name = "incident.import-service.user") Optional<String> user,
            @ConfigProperty(name = "incident.import-service.password") Optional<String> password) {
        this.authorization = user.map(u -> "Basic " + Base64.getEncoder()
                .encodeToString((u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming, MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        authorization.ifPresent(value -> headers.add("Authorization", value));
        return headers;
    }
}
