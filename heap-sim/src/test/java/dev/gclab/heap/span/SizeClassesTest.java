package dev.gclab.heap.span;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SizeClassesTest {
    @Test
    void classOfIsTheSmallestClassThatFits() {
        for (int size = 1; size <= SizeClasses.MAX_SMALL_SIZE; size++) {
            int c = SizeClasses.classOf(size);
            assertTrue(c > 0, "size " + size);
            assertTrue(SizeClasses.size(c) >= size, "class " + c + " too small for " + size);
            assertTrue(SizeClasses.size(c) == SizeClasses.MIN_OBJECT_BYTES || SizeClasses.size(c - 1) < size,
                "class " + (c - 1) + " would fit " + size);
            assertTrue(SizeClasses.size(c) >= SizeClasses.MIN_OBJECT_BYTES, "no object below 16 bytes: " + size);
        }
        assertEquals(0, SizeClasses.classOf(SizeClasses.MAX_SMALL_SIZE + 1));
    }

    @Test
    void spanTailWasteIsSmall() {
        for (int c = 1; c < SizeClasses.COUNT; c++) {
            long spanBytes = (long) SizeClasses.pages(c) * SizeClasses.PAGE_BYTES;
            long used = (long) SizeClasses.objectsPerSpan(c) * SizeClasses.size(c);
            assertTrue(SizeClasses.objectsPerSpan(c) >= 1);
            assertTrue(spanBytes - used <= spanBytes / 8, "class " + c + " wastes " + (spanBytes - used));
        }
    }

    /** The multiply-shift slot index must equal the exact division for every byte of every span. */
    @Test
    void objIndexIsExactForEveryOffsetOfEveryClass() {
        for (int c = 1; c < SizeClasses.COUNT; c++) {
            int pages = SizeClasses.pages(c);
            Span s = new Span(1L << 32, pages, c, false, SizeClasses.size(c), false);
            long bytes = (long) pages * SizeClasses.PAGE_BYTES;
            for (long off = 0; off < bytes; off++) {
                assertEquals(off / s.elemSize, s.objIndex(s.base + off), "class " + c + " offset " + off);
            }
        }
    }
}
