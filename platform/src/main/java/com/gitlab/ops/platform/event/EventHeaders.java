package com.gitlab.ops.platform.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a record as the CloudEvents Kafka binding reads them: {@code content-type}, and
 * each {@code ce_} header as the attribute it carries. The binding requires UTF-8 for both keys and
 * values, so anything else is refused rather than guessed at.
 */
final class EventHeaders {

    static final String ATTRIBUTE_PREFIX = "ce_";
    static final String CONTENT_TYPE = "content-type";

    private final Headers headers;

    EventHeaders(Headers headers) {
        this.headers = headers;
    }

    boolean hasAttributes() {
        for (Header header : headers) {
            if (header.key().startsWith(ATTRIBUTE_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code content-type} header; its key is matched regardless of case, as HTTP-minded producers capitalise it. */
    Optional<String> contentType() {
        String found = null;
        for (Header header : headers) {
            if (header.key().equalsIgnoreCase(CONTENT_TYPE)) {
                String value = utf8(header.value())
                        .orElseThrow(() -> new InvalidEventException("header 'content-type' is not UTF-8 text, so the content mode cannot be told"));
                if (found != null && !found.equals(value)) {
                    throw new InvalidEventException("header 'content-type' is given twice, as \"" + found + "\" and \"" + value
                            + "\"; the content mode cannot be told");
                }
                found = value;
            }
        }
        return Optional.ofNullable(found).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Every {@code ce_} header by attribute name, in the order they came. */
    Map<String, String> attributes(ContentMode mode) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Header header : headers) {
            if (!header.key().startsWith(ATTRIBUTE_PREFIX)) {
                continue;
            }
            String name = header.key().substring(ATTRIBUTE_PREFIX.length());
            String value = utf8(header.value())
                    .orElseThrow(() -> mode.invalid("header '" + header.key() + "' is not UTF-8 text"));
            String before = attributes.put(name, value);
            if (before != null && !before.equals(value)) {
                throw mode.invalid("header '" + header.key() + "' is given twice, as \"" + before + "\" and \"" + value + "\"");
            }
        }
        return attributes;
    }

    private static Optional<String> utf8(byte[] bytes) {
        if (bytes == null) {
            return Optional.of("");
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
