package com.gitlab.ops.release.pkg;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An auto-deploy package version, {@code 14.8.202202080920-97d6e07c2a1.4ce763dbce1}: the release
 * (major.minor), when it was built (UTC, {@code %Y%m%d%H%M}), the GitLab commit and the Omnibus
 * commit (11 hex characters each). Packages are ordered by when they were built.
 */
public record PackageVersion(String value, int major, int minor, OffsetDateTime builtAt, String gitlabCommit, String omnibusCommit)
        implements Comparable<PackageVersion> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})\\.(\\d{12})-([0-9a-f]{11})\\.([0-9a-f]{11})");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmm");

    public static PackageVersion parse(String value) {
        if (value == null) {
            throw new InvalidPackageVersionException("a package version is required, e.g. 14.8.202202080920-97d6e07c2a1.4ce763dbce1");
        }
        Matcher m = FORMAT.matcher(value);
        if (!m.matches()) {
            throw new InvalidPackageVersionException("'" + value + "' is not an auto-deploy package version: expected "
                    + "major.minor.YYYYMMDDHHMM-<11 hex GitLab commit>.<11 hex Omnibus commit>, e.g. 14.8.202202080920-97d6e07c2a1.4ce763dbce1");
        }
        OffsetDateTime builtAt;
        try {
            builtAt = LocalDateTime.parse(m.group(3), TIMESTAMP.withResolverStyle(java.time.format.ResolverStyle.STRICT))
                    .atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidPackageVersionException("'" + value + "' has an impossible build time " + m.group(3) + " (expected YYYYMMDDHHMM, UTC)");
        }
        return new PackageVersion(value, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), builtAt, m.group(4), m.group(5));
    }

    /** The monthly release, "14.8". */
    public String release() {
        return major + "." + minor;
    }

    @Override
    public int compareTo(PackageVersion other) {
        int byTime = builtAt.compareTo(other.builtAt);
        return byTime != 0 ? byTime : value.compareTo(other.value);
    }
}
