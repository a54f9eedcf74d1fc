package dev.gclab.heap.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A heap of at least one chunk asks for transparent huge pages ({@code MADV_HUGEPAGE}), a smaller one and
 * one made with {@code gclab.memory.hugepages=false} do not: read back from {@code /proc/self/smaps}
 * ({@code AnonHugePages} of the reservation's mapping). Runs where the kernel offers huge pages on advice.
 */
@Isolated // sets a system property that every heap created meanwhile would read
class HugePagesTest {
    private static final long MIB = 1L << 20;

    @Test
    void aLargeHeapIsBackedByHugePagesASmallOneAndAnOptedOutOneAreNot() throws IOException {
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(thp) && !Files.readString(thp).contains("[never]"), "this kernel offers no transparent huge pages");
        assumeTrue(Reservation.available(), "heaps do not reserve their range here");
        assertTrue(hugeKiBAfterTouching(128 * MIB) >= 2048, "a 128 MiB heap has huge pages");
        assertEquals(0, hugeKiBAfterTouching(32 * MIB), "a 32 MiB heap keeps 4-KiB pages");
        System.setProperty(Reservation.HUGE_PROPERTY, "false");
        try {
            assertEquals(0, hugeKiBAfterTouching(128 * MIB), "gclab.memory.hugepages=false keeps 4-KiB pages");
        } finally {
            System.clearProperty(Reservation.HUGE_PROPERTY);
        }
    }

    /** Commits a chunk of a fresh heap of {@code maxBytes}, writes a word in every 4-KiB page of its first 16 MiB, and reads back the mapping's huge pages. */
    private static long hugeKiBAfterTouching(long maxBytes) throws IOException {
        try (HeapMemory m = new HeapMemory(maxBytes)) {
            assertTrue(m.isReserved());
            m.commitChunk();
            long touched = Math.min(16 * MIB, m.committedBytes());
            for (long off = 0; off < touched; off += 4096) m.setLong(HeapMemory.BASE + off, 1);
            return anonHugeKiB(m.reservationAddress());
        }
    }

    /** {@code AnonHugePages} of the mapping holding {@code address}, in KiB. */
    static long anonHugeKiB(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String l : lines) {
            if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = l.substring(0, l.indexOf(' ')).split("-");
                inside = Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), address) <= 0
                    && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0;
            } else if (inside && l.startsWith("AnonHugePages:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError(String.format("no mapping holds 0x%x in /proc/self/smaps", address));
    }
}
