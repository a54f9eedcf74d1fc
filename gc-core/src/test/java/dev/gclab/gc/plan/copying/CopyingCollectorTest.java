package dev.gclab.gc.plan.copying;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * copying on its own: what moves and what stays (pins, large objects, no room), both copy orders, both
 * places for forwarding addresses, and its knobs. The cross-collector suites (conformance kit,
 * differential programs, stress) run it too, in each of its variants.
 */
class CopyingCollectorTest {
    private static Collector copying(Heap heap, Map<String, String> knobs) {
        return CollectorRegistry.byName("copying").create(heap, new CollectorOptions(2.0, 1L << 40, true, knobs));
    }

    @ParameterizedTest
    @CsvSource({"breadth,side", "breadth,header", "depth,side", "depth,header"})
    void liveObjectsMoveWithTheirContentsAndGarbageGoes(String order, String forward) {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = copying(heap, Map.of("order", order, "forward", forward));
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rd");
            int root = m.global("root");
            long a = m.allocate(node), b = m.allocate(node), d = m.allocate(node);
            m.setRef(a, 0, b);
            m.setRef(b, 0, d);
            m.setRef(d, 0, a); // a live 3-cycle
            for (long o : new long[] {a, b, d}) m.setLong(o, 0, o * 3);
            long g1 = m.allocate(node), g2 = m.allocate(node);
            m.setRef(g1, 0, g2);
            m.setRef(g2, 0, g1); // a garbage 2-cycle
            m.setGlobal(root, a);
            long allocations = heap.counters().allocations;

            c.collect(GcCause.EXPLICIT);

            long a2 = m.getGlobal(root), b2 = m.getRef(a2, 0), d2 = m.getRef(b2, 0);
            assertEquals(a2, m.getRef(d2, 0), "the cycle is intact");
            for (long old : new long[] {a, b, d, g1, g2}) assertFalse(heap.isObject(old), "nothing stays in an evacuated span");
            assertEquals(a * 3, m.getLong(a2, 0));
            assertEquals(b * 3, m.getLong(b2, 0));
            assertEquals(d * 3, m.getLong(d2, 0));
            assertEquals(3, heap.objectCount());
            assertEquals(3, heap.counters().objectsCopied);
            assertEquals(3 * 24, heap.counters().bytesCopied, "three slots of 24 bytes");
            assertEquals(allocations, heap.counters().allocations, "copies are not mutator allocation");
            assertEquals(2, heap.counters().objectsFreed);
            assertEquals(1L, c.collectorCounters().get("spans_evacuated"));
            assertEquals(0L, c.collectorCounters().get("spans_kept_by_pins"));
            assertEquals(1, c.stats().cycles());
        }
    }

    /** Cheney's order lays a tree out level by level; the mark stack's order does not. */
    @ParameterizedTest
    @ValueSource(strings = {"breadth", "depth"})
    void copyOrderDecidesTheLayout(String order) {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = copying(heap, Map.of("order", order));
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rrd");
            int root = m.global("root");
            m.setGlobal(root, tree(m, node, 3));
            c.collect(GcCause.EXPLICIT);
            TreeMap<Long, Long> depthByAddress = new TreeMap<>();
            collectDepths(m, m.getGlobal(root), 0, depthByAddress);
            assertEquals(15, depthByAddress.size());
            List<Long> depths = new ArrayList<>(depthByAddress.values());
            boolean levelOrder = true;
            for (int i = 1; i < depths.size(); i++) levelOrder &= depths.get(i) >= depths.get(i - 1);
            assertEquals(order.equals("breadth"), levelOrder, "depths in address order: " + depths);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"side", "header"})
    void aPinnedObjectAndItsSpanStayWhileTheRestMoves(String forward) {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = copying(heap, Map.of("forward", forward));
            Mutator m = new Mutator(heap, c);
            int small = heap.layouts().fixed("Small", "rd");
            int other = heap.layouts().fixed("Other", "rddd"); // another size class: another span
            int root = m.global("root");
            long pinned = m.allocate(small), neighbour = m.allocate(small), elsewhere = m.allocate(other);
            m.setRef(pinned, 0, neighbour);
            m.setRef(neighbour, 0, elsewhere);
            m.setGlobal(root, pinned);
            m.pin(pinned);
            c.collect(GcCause.EXPLICIT);
            assertEquals(pinned, m.getGlobal(root), "a pinned object never moves");
            assertEquals(neighbour, m.getRef(pinned, 0), "its span is kept: its other live objects stay too");
            assertNotEquals(elsewhere, m.getRef(neighbour, 0), "objects of other spans move");
            assertEquals(1L, c.collectorCounters().get("spans_kept_by_pins"));
            m.unpin(pinned);
            c.collect(GcCause.EXPLICIT);
            assertNotEquals(pinned, m.getGlobal(root), "unpinned, it moves at the next collection");
            assertEquals(3, heap.objectCount());
        }
    }

    @Test
    void handlesFollowTheirObjectsAndLargeObjectsStay() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = copying(heap, Map.of());
            Mutator m = new Mutator(heap, c);
            long small = m.allocate(heap.layouts().fixed("Small", "rd"));
            m.setLong(small, 0, 42);
            long large = m.allocateArray(LayoutRegistry.LONG_ARRAY, 8192); // 64 KiB: a span of its own
            m.setLong(large, 8191, 7);
            int hs = m.newHandle(small), hl = m.newHandle(large);
            c.collect(GcCause.EXPLICIT);
            assertNotEquals(small, m.deref(hs));
            assertEquals(42, m.getLong(m.deref(hs), 0));
            assertEquals(large, m.deref(hl), "a large object is not copied");
            assertEquals(7, m.getLong(large, 8191));
            assertEquals(1, heap.counters().objectsCopied);
        }
    }

    /** With no room for copies the spans that could not be evacuated are marked in place: nothing is lost and nothing throws. */
    @ParameterizedTest
    @ValueSource(strings = {"side", "header"})
    void noRoomToCopyFallsBackToMarkingInPlace(String forward) {
        try (Heap heap = new Heap(HeapConfig.of(2L << 20))) {
            Collector c = copying(heap, Map.of("forward", forward));
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rd");
            int root = m.global("root");
            long head = 0;
            int n = 0;
            // a live list filling most of the heap: its copies cannot all find room
            while (heap.inUseBytes() < (1280L << 10)) {
                long o = m.allocate(node);
                m.setRef(o, 0, head);
                m.setLong(o, 0, n++);
                head = o;
                m.setGlobal(root, head);
            }
            c.collect(GcCause.EXPLICIT);
            assertTrue(c.collectorCounters().get("spans_kept_for_lack_of_room") > 0, c.collectorCounters().toString());
            int seen = 0;
            for (long o = m.getGlobal(root); o != 0; o = m.getRef(o, 0)) assertEquals(n - 1 - seen++, m.getLong(o, 0));
            assertEquals(n, seen, "the whole list survives");
            assertEquals(n, heap.objectCount());
        }
    }

    /** Both places for forwarding addresses give the same copies of a random graph (the verifier checks each collection against a snapshot). */
    @Test
    void sideAndHeaderForwardingCopyTheSame() {
        long[] copied = new long[2];
        String[] modes = {"side", "header"};
        for (int k = 0; k < 2; k++) {
            try (Heap heap = new Heap(HeapConfig.of(32L << 20))) {
                Collector c = copying(heap, Map.of("forward", modes[k]));
                Mutator m = new Mutator(heap, c);
                int node = heap.layouts().fixed("Node", "rrr");
                int root = m.global("root");
                m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, 3000));
                for (int i = 0; i < 3000; i++) m.setRef(m.getGlobal(root), i, m.allocate(node));
                SplittableRandom r = new SplittableRandom(5);
                long arr = m.getGlobal(root);
                for (int i = 0; i < 3000; i++) {
                    for (int j = 0; j < 3; j++) m.setRef(m.getRef(arr, i), j, m.getRef(arr, r.nextInt(3000)));
                }
                for (int i = 0; i < 3000; i += 2) m.setRef(arr, i, 0); // some become garbage
                c.collect(GcCause.EXPLICIT);
                c.collect(GcCause.EXPLICIT);
                copied[k] = heap.counters().objectsCopied;
                assertEquals(2, c.stats().cycles());
            }
        }
        assertEquals(copied[0], copied[1]);
        assertTrue(copied[0] > 3000, "" + copied[0]);
    }

    @Test
    void badKnobsAreClearErrors() {
        try (Heap heap = new Heap(HeapConfig.of(4L << 20))) {
            var e = assertThrows(IllegalArgumentException.class, () -> copying(heap, Map.of("order", "sideways")));
            assertTrue(e.getMessage().contains("copying: order must be 'breadth'") && e.getMessage().contains("not 'sideways'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> copying(heap, Map.of("forward", "nowhere")));
            assertTrue(e.getMessage().contains("copying: forward must be 'side'") && e.getMessage().contains("not 'nowhere'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> copying(heap, Map.of("colour", "red")));
            assertTrue(e.getMessage().contains("colour") && e.getMessage().contains("forward") && e.getMessage().contains("order"), e.getMessage());
        }
    }

    private static long tree(Mutator m, int node, int depth) {
        long o = m.allocate(node);
        if (depth > 0) {
            m.pushFrame(1);
            m.setLocal(0, o);
            long l = tree(m, node, depth - 1);
            m.setRef(m.local(0), 0, l);
            long r = tree(m, node, depth - 1);
            m.setRef(m.local(0), 1, r);
            o = m.local(0);
            m.popFrame();
        }
        return o;
    }

    private static void collectDepths(Mutator m, long o, long depth, Map<Long, Long> out) {
        if (o == 0) return;
        out.put(o, depth);
        collectDepths(m, m.getRef(o, 0), depth + 1, out);
        collectDepths(m, m.getRef(o, 1), depth + 1, out);
    }
}
