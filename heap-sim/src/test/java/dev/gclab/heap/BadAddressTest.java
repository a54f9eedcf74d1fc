package dev.gclab.heap;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kind of bad address, through every mutator access, under both check levels: the answer is an
 * {@link InvalidHeapAccessException} (or, under FAST checks, possibly none for an address that looks like
 * an object: a stale pointer to a reused slot is FAST's documented blind spot) — never a JVM crash, never
 * another exception, with the heap reserving its whole range as one mapping or not.
 */
class BadAddressTest {
    @ParameterizedTest
    @EnumSource(AccessChecks.class)
    void badAddressesNeverCrashAndNameThemselves(AccessChecks checks) {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20).withChecks(checks))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            long obj = m.allocate(node);
            long freed = m.allocate(node);
            heap.free(freed);
            long big = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 100_000);
            Map<String, Long> bad = new LinkedHashMap<>();
            bad.put("null", 0L);
            bad.put("below the heap", HeapMemory.BASE - 8);
            bad.put("negative", -8L);
            bad.put("the largest long", Long.MAX_VALUE - 7);
            bad.put("past the committed heap", heap.memory().limit() + 8);
            bad.put("past the heap's maximum", HeapMemory.BASE + heap.maxBytes() + 4096);
            bad.put("unaligned", obj + 3);
            bad.put("interior", obj + 8);
            bad.put("inside a large object", big + 4096);
            bad.put("a free page", HeapMemory.BASE + (32L << 20));
            bad.put("freed", freed);
            for (Map.Entry<String, Long> e : bad.entrySet()) {
                long a = e.getValue();
                String kind = e.getKey();
                // FAST reads the header of an object it accesses: only a freed slot's stale header gets through
                boolean fastBlind = checks == AccessChecks.FAST && kind.equals("freed");
                expectRefused(fastBlind, kind, a, () -> m.getRef(a, 0));
                expectRefused(fastBlind, kind, a, () -> m.setRef(a, 0, 0));
                expectRefused(fastBlind, kind, a, () -> m.getLong(a, 0));
                expectRefused(fastBlind, kind, a, () -> m.setLong(a, 0, 42));
                expectRefused(fastBlind, kind, a, () -> m.refSlots(a));
                if (a != 0) {
                    // a value stored under FAST is checked for range and alignment only
                    boolean fastValue = checks == AccessChecks.FAST && (fastBlind || kind.equals("interior") || kind.equals("inside a large object") || kind.equals("a free page"));
                    expectRefused(fastValue, kind, a, () -> m.setRef(obj, 0, a));
                    expectRefused(fastValue, kind, a, () -> m.setGlobal(m.global("g"), a));
                    expectRefused(fastBlind, kind, a, () -> m.newHandle(a));
                    expectRefused(fastBlind, kind, a, () -> m.pin(a));
                    m.setRef(obj, 0, 0);
                    m.setGlobal(m.global("g"), 0);
                }
            }
            assertEquals(0, m.getRef(obj, 0), "nothing a refused access wrote stayed");
        }
    }

    /** The access throws InvalidHeapAccessException, or — only where {@code mayPass} — succeeds; anything else fails the test. */
    private static void expectRefused(boolean mayPass, String kind, long address, Runnable access) {
        try {
            access.run();
            if (!mayPass) fail("an access at " + kind + " address 0x" + Long.toHexString(address) + " was allowed");
        } catch (InvalidHeapAccessException ex) {
            assertTrue(ex.getMessage().startsWith("invalid heap access: "), ex.getMessage());
        }
    }
}
