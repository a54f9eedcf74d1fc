package dev.gclab.heap.span;

/**
 * Size classes for small objects (up to {@value #MAX_SMALL_SIZE} bytes), following the shape of Go's
 * runtime table: 67 classes from 8 B to 32 KiB, each with the number of 8 KiB pages its spans take,
 * chosen so that the tail waste of a span stays small. Class 0 means "large": the object gets a span
 * of its own.
 *
 * <p>The smallest object takes {@value #MIN_OBJECT_BYTES} bytes (HotSpot's and CPython's minimum
 * too): a request of 8 bytes or less gets the 16-byte class, never the 8-byte one. So no two objects
 * start in the same 16-byte granule, and per-object side metadata (reference counts, generation
 * positions, finalization flags) needs one entry per 16 bytes of heap instead of per 8.
 *
 * <p>Lookup is two table reads, as in Go: {@code sizeToClass8[(size + 7) / 8]} up to 1016 bytes and
 * {@code sizeToClass128[(size - 1024 + 127) / 128]} above.
 */
public final class SizeClasses {
    public static final int MAX_SMALL_SIZE = 32768;
    public static final int PAGE_SHIFT = 13;
    public static final int PAGE_BYTES = 1 << PAGE_SHIFT;
    /** The smallest slot any object gets, and the granule of per-object side tables. */
    public static final int MIN_OBJECT_BYTES = 16;
    /** The class of {@link #MIN_OBJECT_BYTES}. */
    private static final int MIN_CLASS = 2;

    private static final int[] SIZE = {
        0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208,
        224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152,
        1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784,
        6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
        24576, 27264, 28672, 32768};
    private static final int[] PAGES = {
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4};

    public static final int COUNT = SIZE.length;

    private static final byte[] SIZE_TO_CLASS8 = new byte[1024 / 8 + 1];
    private static final byte[] SIZE_TO_CLASS128 = new byte[(MAX_SMALL_SIZE - 1024) / 128 + 1];

    static {
        if (PAGES.length != SIZE.length || SIZE[MIN_CLASS] != MIN_OBJECT_BYTES) {
            throw new AssertionError("size class tables disagree");
        }
        int c = 1;
        for (int i = 0; i < SIZE_TO_CLASS8.length; i++) {
            while (SIZE[c] < i * 8) c++;
            SIZE_TO_CLASS8[i] = (byte) Math.max(c, MIN_CLASS);
        }
        for (int i = 0; i < SIZE_TO_CLASS128.length; i++) {
            while (SIZE[c] < 1024 + i * 128) c++;
            SIZE_TO_CLASS128[i] = (byte) c;
        }
    }

    private SizeClasses() {}

    /** The smallest class whose size is at least {@code max(bytes, 16)}; 0 (large) above 32 KiB. */
    public static int classOf(long bytes) {
        if (bytes <= 1024 - 8) return SIZE_TO_CLASS8[(int) ((bytes + 7) >>> 3)];
        if (bytes <= MAX_SMALL_SIZE) return SIZE_TO_CLASS128[(int) ((bytes - 1024 + 127) >>> 7)];
        return 0;
    }

    public static int size(int sizeClass) { return SIZE[sizeClass]; }
    public static int pages(int sizeClass) { return PAGES[sizeClass]; }

    /** Objects per span of this class. */
    public static int objectsPerSpan(int sizeClass) { return PAGES[sizeClass] * PAGE_BYTES / SIZE[sizeClass]; }
}
