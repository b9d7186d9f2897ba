package com.gitlab.ops.release.slack;

import com.gitlab.ops.platform.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing, version 0: {@code v0=} and the hex HMAC-SHA256, keyed with the app's
 * signing secret, of {@code v0:<timestamp>:<raw body>}. A request older than five minutes is refused,
 * so that a captured one cannot be sent again later.
 */
@ApplicationScoped
public class SlackSignature {

    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final Clock clock;

    public SlackSignature(Clock clock) {
        this.clock = clock;
    }

    /** Refuses (401) a request that Slack did not sign, with this secret, within the last five minutes. */
    public void verify(String secret, String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null) {
            throw ApiException.unauthorized("not signed by Slack: the X-Slack-Request-Timestamp and X-Slack-Signature headers are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw ApiException.unauthorized("X-Slack-Request-Timestamp must be the request's time in Unix seconds");
        }
        long age = clock.instant().getEpochSecond() - seconds; // an absurd timestamp wraps around: still outside the window
        if (age > MAX_AGE.toSeconds() || age < -MAX_AGE.toSeconds()) {
            throw ApiException.unauthorized("the request was signed more than 5 minutes from now: a replay, or a clock that is wrong");
        }
        byte[] expected = sign(secret, timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
        // Constant time: how much of a guess matched must not show in how long the answer takes.
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            throw ApiException.unauthorized("the Slack signature does not match this request; check that SLACK_SIGNING_SECRET is the app's signing secret");
        }
    }

    /** The {@code X-Slack-Signature} value Slack sends for this timestamp and body. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
