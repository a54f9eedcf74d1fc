package dev.gclab.heap;

import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MutatorTest {
    private Heap heap;
    private Mutator m;
    private int node;

    @BeforeEach
    void setUp() {
        heap = new Heap(HeapConfig.of(16L << 20));
        m = new Mutator(heap, GcHooks.NONE);
        node = heap.layouts().fixed("Node", "rdr");
    }

    @AfterEach
    void tearDown() { heap.close(); }

    @Test
    void referencesAndDataRoundTrip() {
        long a = m.allocate(node);
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(a, 1, a);
        m.setLong(a, 0, -5);
        assertEquals(b, m.getRef(a, 0));
        assertEquals(a, m.getRef(a, 1));
        assertEquals(-5, m.getLong(a, 0));
        assertEquals(2, m.refSlots(a));
        long arr = m.allocateArray(LayoutRegistry.REF_ARRAY, 1000);
        m.setRef(arr, 999, a);
        assertEquals(a, m.getRef(arr, 999));
        assertEquals(1000, m.length(arr));
        long bytes = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 5);
        m.setByte(bytes, 4, (byte) 9);
        assertEquals(9, m.getByte(bytes, 4));
        assertEquals(3, heap.counters().barrierCalls);
    }

    @Test
    void slotOutOfRangeNamesObjectSlotAndLayout() {
        long a = m.allocate(node);
        InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> m.setRef(a, 2, 0));
        assertEquals(a, e.object());
        assertEquals(2, e.slot());
        assertTrue(e.getMessage().contains("Node"), e.getMessage());
        assertTrue(e.getMessage().contains("2 reference slots"), e.getMessage());
        assertThrows(InvalidHeapAccessException.class, () -> m.getRef(a, -1));
        assertThrows(InvalidHeapAccessException.class, () -> m.getLong(a, 1));
    }

    @Test
    void wrongLayoutKindIsRejected() {
        long bytes = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 16);
        InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> m.getRef(bytes, 0));
        assertTrue(e.getMessage().contains("no reference slots"), e.getMessage());
        long a = m.allocate(node);
        assertThrows(InvalidHeapAccessException.class, () -> m.getByte(a, 0));
        assertThrows(IllegalArgumentException.class, () -> m.allocate(LayoutRegistry.REF_ARRAY));
        assertThrows(IllegalArgumentException.class, () -> m.allocateArray(node, 3));
        assertThrows(IllegalArgumentException.class, () -> m.allocate(999));
    }

    @Test
    void interiorAndOutsideAddressesAreRejected() {
        long a = m.allocate(node);
        InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> m.getRef(a + 8, 0));
        assertEquals(a + 8, e.address());
        assertEquals(a, e.object());
        assertTrue(e.getMessage().contains("not at an object's start"), e.getMessage());
        assertThrows(InvalidHeapAccessException.class, () -> m.getRef(0, 0));
        assertThrows(InvalidHeapAccessException.class, () -> m.getRef(12345, 0));
        assertThrows(InvalidHeapAccessException.class, () -> m.getRef(heap.memory().limit() + 64, 0));
        assertThrows(InvalidHeapAccessException.class, () -> m.setRef(a, 0, a + 8), "value must be an object");
        assertEquals(0, m.getRef(a, 0), "a failed write changes nothing");
        assertThrows(InvalidHeapAccessException.class, () -> m.getRef(a + 32 * 24, 0), "a never-allocated slot");
    }

    @Test
    void freedObjectIsDetected() {
        long a = m.allocate(node);
        long keep = m.allocate(node);
        Span s = heap.spanOf(keep);
        heap.beginSweep();
        s.testAndMark(s.objIndex(keep));
        heap.sweptSpan(s, s.sweepToMarks());
        heap.finishSweep();
        InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> m.getRef(a, 0));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
        assertThrows(InvalidHeapAccessException.class, () -> m.setRef(keep, 0, a));
        m.getRef(keep, 0);
    }

    @Test
    void fastChecksStillCatchWildAddressesAndRanges() {
        try (Heap h = new Heap(HeapConfig.of(16L << 20).withChecks(AccessChecks.FAST))) {
            Mutator fm = new Mutator(h, GcHooks.NONE);
            int n = h.layouts().fixed("Node", "rr");
            long a = fm.allocate(n);
            assertThrows(InvalidHeapAccessException.class, () -> fm.getRef(a, 5));
            assertThrows(InvalidHeapAccessException.class, () -> fm.getRef(a + 4, 0));
            assertThrows(InvalidHeapAccessException.class, () -> fm.getRef(1, 0));
            assertThrows(InvalidHeapAccessException.class, () -> fm.getRef(a + 4096, 0), "zeroed memory has no layout");
        }
    }

    @Test
    void framesAndGlobalsHoldRoots() {
        long a = m.allocate(node);
        m.pushFrame(2);
        m.setLocal(1, a);
        assertEquals(a, m.local(1));
        m.pushFrame(1);
        assertThrows(IndexOutOfBoundsException.class, () -> m.local(1));
        m.popFrame();
        assertEquals(a, m.local(1));
        int g = m.global("root");
        assertEquals(g, m.global("root"));
        m.setGlobal(g, a);
        assertEquals(a, m.getGlobal(g));
        assertThrows(InvalidHeapAccessException.class, () -> m.setLocal(0, a + 8));
        m.popFrame();
        assertThrows(IllegalStateException.class, () -> m.popFrame());
        assertThrows(IllegalStateException.class, () -> m.local(0));
    }

    @Test
    void handlesCountAndRecycle() {
        long a = m.allocate(node);
        int h = m.newHandle(a);
        assertEquals(a, m.deref(h));
        m.retainHandle(h);
        m.releaseHandle(h);
        assertEquals(a, m.deref(h));
        m.releaseHandle(h);
        assertThrows(IllegalArgumentException.class, () -> m.deref(h));
        for (int bad : new int[] {0, -1, 999}) assertThrows(IllegalArgumentException.class, () -> m.deref(bad));
        int h2 = m.newHandle(a);
        assertEquals(h, h2, "freed entries are reused");
        assertEquals(1, heap.handles().liveCount());
    }

    @Test
    void pinsSetAndClearTheSpanBitAndDieWithTheObject() {
        long a = m.allocate(node);
        long b = m.allocate(node);
        m.pin(a);
        m.pin(a); // pins nest
        assertTrue(m.isPinned(a));
        assertEquals(2, m.pinCount(a));
        assertFalse(m.isPinned(b));
        Span s = heap.spanOf(a);
        assertTrue(s.isPinned(s.objIndex(a)));
        m.unpin(a);
        assertTrue(m.isPinned(a), "one pin is still open");
        m.unpin(a);
        assertFalse(m.isPinned(a));
        m.pin(b);
        assertEquals(5, heap.counters().pinOps);
        heap.free(b);
        Span sb = heap.spanOf(b);
        assertFalse(sb.isPinned(sb.objIndex(b)), "a freed object's pin is gone");
        InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> m.pin(b));
        assertTrue(e.getMessage().contains("pin"), e.getMessage());
        assertThrows(InvalidHeapAccessException.class, () -> m.unpin(a + 8));
    }

    @Test
    void aFreedObjectCannotBePinnedEvenWithFastChecks() {
        try (Heap fast = new Heap(HeapConfig.of(16L << 20).withChecks(AccessChecks.FAST))) {
            Mutator f = new Mutator(fast, GcHooks.NONE);
            long a = f.allocate(fast.layouts().fixed("Node", "rdr"));
            fast.free(a); // the header stays: FAST checks alone would accept the address
            InvalidHeapAccessException e = assertThrows(InvalidHeapAccessException.class, () -> f.pin(a));
            assertTrue(e.getMessage().contains("freed"), e.getMessage());
            Span s = fast.spanOf(a);
            assertFalse(s.isPinned(s.objIndex(a)));
        }
    }

    @Test
    void aSweptObjectsPinIsGoneButASurvivorKeepsIt() {
        long live = m.allocate(node);
        long dead = m.allocate(node);
        m.pin(live);
        m.pin(dead);
        Span s = heap.spanOf(live);
        s.testAndMark(s.objIndex(live));
        s.sweepToMarks();
        assertTrue(s.isPinned(s.objIndex(live)));
        assertFalse(s.isPinned(s.objIndex(dead)));
    }

    @Test
    void anUnbalancedUnpinIsAClearErrorAndChangesNothing() {
        long a = m.allocate(node);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.unpin(a));
        assertTrue(e.getMessage().contains(String.format("unpin(0x%x)", a)) && e.getMessage().contains("is not pinned"), e.getMessage());
        assertEquals(0, heap.counters().pinOps);
        m.pin(a);
        m.unpin(a);
        assertThrows(IllegalStateException.class, () -> m.unpin(a));
        assertFalse(m.isPinned(a));
    }

    @Test
    void pinWindowsThroughHandlesNestAndCountPerHandle() {
        long a = m.allocate(node);
        int h1 = m.newHandle(a);
        int h2 = m.newHandle(a);
        assertEquals(a, m.pinHandle(h1), "the window's raw pointer is the object's address");
        assertEquals(a, m.pinHandle(h1));
        m.pinHandle(h2);
        assertEquals(3, m.pinCount(a));
        assertEquals(2, heap.handles().windows(h1));
        assertEquals(3, heap.handles().openWindowCount());
        m.unpinHandle(h1);
        m.unpinHandle(h1);
        assertTrue(m.isPinned(a), "h2's window is still open");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.unpinHandle(h1));
        assertTrue(e.getMessage().contains("no pin window is open on handle " + h1) && e.getMessage().contains(String.format("0x%x", a)), e.getMessage());
        m.unpinHandle(h2);
        assertFalse(m.isPinned(a));
        assertEquals(0, heap.handles().openWindowCount());
    }

    @Test
    void aHandleWithAnOpenWindowKeepsItsLastCount() {
        long a = m.allocate(node);
        int h = m.newHandle(a);
        m.retainHandle(h);
        m.pinHandle(h);
        m.releaseHandle(h); // count 2 -> 1: allowed, the handle stays live
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.releaseHandle(h));
        assertTrue(e.getMessage().contains("releaseHandle(" + h + ")") && e.getMessage().contains("1 pin window open"), e.getMessage());
        assertEquals(a, m.deref(h), "the refused release changed nothing");
        m.unpinHandle(h);
        m.releaseHandle(h);
        assertFalse(heap.handles().isLive(h));
    }

    @Test
    void anAddressUnpinThatClosedAWindowsPinIsNamedByUnpinHandle() {
        long a = m.allocate(node);
        int h = m.newHandle(a);
        m.pinHandle(h);
        m.unpin(a); // closes the one pin the object had
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.unpinHandle(h));
        assertTrue(e.getMessage().contains("an unpin of its address"), e.getMessage());
        assertEquals(1, heap.handles().windows(h), "nothing changed");
        m.pin(a);
        m.unpinHandle(h); // balanced again: the heap closes quietly
    }

    @Test
    void aWindowLeftOpenAtCloseIsReported() {
        Heap other = new Heap(HeapConfig.of(16L << 20));
        Mutator o = new Mutator(other, GcHooks.NONE);
        long a = o.allocate(other.layouts().fixed("Node", "rdr"));
        int h = o.newHandle(a);
        o.pinHandle(h);
        o.pin(a); // a pin by address is not checked at close
        IllegalStateException e = assertThrows(IllegalStateException.class, other::close);
        assertTrue(e.getMessage().contains("1 pin window open") && e.getMessage().contains(String.format("handle %d (object 0x%x, 1 window)", h, a)),
            e.getMessage());
        other.close(); // once
    }

    @Test
    void moveObjectCopiesIntoAChosenSlotAndCountsACopy() {
        long a = m.allocate(node);
        m.setLong(a, 0, 77);
        m.setRef(a, 0, a);
        Span from = heap.spanOf(a);
        int fromIdx = from.objIndex(a);
        long b = m.allocate(node); // same span: a free slot after it
        Span to = heap.spanOf(b);
        int toIdx = to.objIndex(b) + 1;
        long inUse = heap.inUseBytes();
        long moved = heap.moveObject(from, fromIdx, to, toIdx);
        assertEquals(to.slotAddress(toIdx), moved);
        assertTrue(heap.isObject(moved));
        assertFalse(heap.isObject(a));
        assertEquals(77, m.getLong(moved, 0));
        assertEquals(a, m.getRef(moved, 0), "references are the caller's to update");
        assertEquals(inUse, heap.inUseBytes());
        assertEquals(1, heap.counters().objectsCopied);
        assertEquals(to.elemSize, heap.mutatorSpace().copiedBytes());
    }
}
