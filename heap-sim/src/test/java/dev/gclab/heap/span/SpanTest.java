package dev.gclab.heap.span;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SpanTest {
    private static Span span(int sizeClass) {
        return new Span(1L << 32, SizeClasses.pages(sizeClass), sizeClass, false, SizeClasses.size(sizeClass), false);
    }

    @Test
    void freshSpanHandsOutEverySlotOnceInOrder() {
        Span s = span(SizeClasses.classOf(24));
        for (int i = 0; i < s.nelems; i++) {
            assertFalse(s.isAllocated(i));
            assertEquals(i, s.nextFreeSlot());
            assertTrue(s.isAllocated(i));
        }
        assertEquals(-1, s.nextFreeSlot());
        assertTrue(s.isFull());
        assertEquals(s.nelems, s.allocCount);
    }

    @Test
    void sweepKeepsMarkedSlotsAndReusesExactlyTheOthers() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int c : new int[] {1, 3, 10, 40, 66}) {
            Span s = span(c);
            while (s.nextFreeSlot() >= 0) { }
            BitSet live = new BitSet();
            for (int i = 0; i < s.nelems; i++) {
                if (rnd.nextInt(3) == 0) { live.set(i); s.testAndMark(i); }
            }
            int survivors = s.sweepToMarks();
            assertEquals(live.cardinality(), survivors);
            assertEquals(survivors, s.allocCount);
            for (int i = 0; i < s.nelems; i++) {
                assertEquals(live.get(i), s.isAllocated(i), "slot " + i);
                assertFalse(s.isMarked(i), "marks cleared");
            }
            BitSet handedOut = new BitSet();
            int slot;
            while ((slot = s.nextFreeSlot()) >= 0) {
                assertFalse(live.get(slot), "live slot " + slot + " handed out");
                assertFalse(handedOut.get(slot), "slot handed out twice");
                handedOut.set(slot);
            }
            assertEquals(s.nelems - survivors, handedOut.cardinality(), "class " + c);
        }
    }

    @Test
    void pinBitsAreIndependent() {
        Span s = span(2);
        s.setPinned(70, true);
        assertTrue(s.isPinned(70));
        assertFalse(s.isPinned(69));
        s.setPinned(70, false);
        assertFalse(s.isPinned(70));
    }

    @Test
    void pinCountsNestAndDieWithTheirObject() {
        Span s = span(2);
        assertEquals(-1, s.unpin(5), "nothing to close");
        assertEquals(1, s.pin(5));
        assertEquals(2, s.pin(5));
        assertEquals(1, s.unpin(5));
        assertTrue(s.isPinned(5));
        assertEquals(0, s.unpin(5));
        assertFalse(s.isPinned(5));
        int slot = s.nextFreeSlot();
        s.pin(slot);
        s.pin(slot);
        s.sweepToMarks(); // unmarked: the object died, and its pins with it
        assertFalse(s.isPinned(slot));
        assertEquals(0, s.pinCount(slot));
    }
}
