package com.gitlab.ops.incident.escalation;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** GitLab's escalation statuses and their stored codes. Triggered and acknowledged are open. */
public enum EscalationStatusName {
    TRIGGERED(0), ACKNOWLEDGED(1), RESOLVED(2), IGNORED(3);

    private final short code;

    EscalationStatusName(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    public boolean isOpen() {
        return this == TRIGGERED || this == ACKNOWLEDGED;
    }

    @JsonValue
    public String apiName() {
        return name().toLowerCase();
    }

    public static EscalationStatusName ofCode(short code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no status with code " + code));
    }

    public static Optional<EscalationStatusName> ofName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }

    public static String names() {
        return "triggered, acknowledged, resolved or ignored";
    }
}
