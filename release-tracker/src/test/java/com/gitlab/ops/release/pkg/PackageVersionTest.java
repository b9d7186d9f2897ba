package com.gitlab.ops.release.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class PackageVersionTest {

    @Test
    void parsesTheSeedsExample() {
        PackageVersion v = PackageVersion.parse("14.8.202202080920-97d6e07c2a1.4ce763dbce1");
        assertEquals("14.8", v.release());
        assertEquals(OffsetDateTime.parse("2022-02-08T09:20:00Z"), v.builtAt());
        assertEquals("97d6e07c2a1", v.gitlabCommit());
        assertEquals("4ce763dbce1", v.omnibusCommit());
    }

    @Test
    void ordersByBuildTime() {
        PackageVersion earlier = PackageVersion.parse("14.8.202202080920-97d6e07c2a1.4ce763dbce1");
        PackageVersion later = PackageVersion.parse("14.8.202202081520-0123456789a.4ce763dbce1");
        assertTrue(earlier.compareTo(later) < 0);
    }

    @Test
    void rejectsWhatIsNotAPackageWithAClearReason() {
        for (String bad : new String[] {"14.8", "14.8.202202080920-97d6e07c2a1", "14.8.202202080920-97D6E07C2A1.4ce763dbce1",
                "14.8.20220208092-97d6e07c2a1.4ce763dbce1", "v14.8.202202080920-97d6e07c2a1.4ce763dbce1"}) {
            String message = assertThrows(InvalidPackageVersionException.class, () -> PackageVersion.parse(bad)).getMessage();
            assertTrue(message.contains("is not an auto-deploy package version"), message);
        }
        assertEquals("'14.8.202213080920-97d6e07c2a1.4ce763dbce1' has an impossible build time 202213080920 (expected YYYYMMDDHHMM, UTC)",
                assertThrows(InvalidPackageVersionException.class, () -> PackageVersion.parse("14.8.202213080920-97d6e07c2a1.4ce763dbce1")).getMessage());
    }
}
