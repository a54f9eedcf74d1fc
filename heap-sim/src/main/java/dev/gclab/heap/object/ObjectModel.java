package dev.gclab.heap.object;

/**
 * The header of every simulated object: one 8-byte word before its fields.
 *
 * <pre>
 *   bits  0..15  layout id (0 is never a layout: zeroed or freed memory reads as invalid)
 *   bits 16..31  flags (bit 16: the mark bit when marks live in headers; 17..31 for collectors)
 *   bits 32..63  length: element count of an array, 0 for fixed layouts
 * </pre>
 *
 * A moving collector that copies an object overwrites the old copy's header with a <em>forwarding
 * header</em>: layout id {@link #FORWARDED} (never a layout) and the new address in bits 16..63.
 *
 * A fixed object's fields follow at 8-byte steps; field word {@code w} is at {@code obj + 8 + 8*w}.
 * Array element {@code i} of a reference array is at {@code obj + 8 + 8*i}; of a data array at
 * {@code obj + 8 + i*elementSize}. Object sizes are multiples of 8.
 */
public final class ObjectModel {
    public static final int HEADER_BYTES = 8;
    public static final long LAYOUT_MASK = 0xFFFFL;
    public static final int FLAGS_SHIFT = 16;
    /** Header mark bit, used when the heap keeps marks in headers instead of the side bitmap. */
    public static final long MARK_FLAG = 1L << 16;
    /** First flag bit free for collectors (bits 17..31). */
    public static final long FIRST_COLLECTOR_FLAG = 1L << 17;
    public static final int LENGTH_SHIFT = 32;
    /** The layout id of a forwarding header: reserved, never a layout. */
    public static final int FORWARDED = 0xFFFF;

    private ObjectModel() {}

    public static long header(int layoutId, int length) {
        return (layoutId & LAYOUT_MASK) | ((long) length << LENGTH_SHIFT);
    }

    public static int layoutId(long header) { return (int) (header & LAYOUT_MASK); }
    public static int length(long header) { return (int) (header >>> LENGTH_SHIFT); }

    /** The header an evacuated object's old copy gets: "moved to {@code to}". */
    public static long forwardingHeader(long to) { return (to << FLAGS_SHIFT) | FORWARDED; }

    public static boolean isForwarded(long header) { return (header & LAYOUT_MASK) == FORWARDED; }

    /** The new address a forwarding header names. */
    public static long forwardee(long header) { return header >>> FLAGS_SHIFT; }

    /** Address of reference/data word {@code w} of an object. */
    public static long wordAddress(long obj, int w) { return obj + HEADER_BYTES + ((long) w << 3); }
}
