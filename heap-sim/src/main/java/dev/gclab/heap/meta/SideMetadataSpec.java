package dev.gclab.heap.meta;

/**
 * The declaration of one side table: per-address metadata kept outside the objects, as MMTk's
 * side-metadata specs. A spec says how many bits each entry has and how many heap bytes one entry
 * covers; {@link SideTable} does all the address arithmetic from that, in one place.
 *
 * <p>Examples: a card table is {@code (cards, 8 bits, 512 bytes)}; a reference-count table is
 * {@code (refcount, 32 bits, 16 bytes)} (one count per 16-byte granule: no two objects start in one, see {@code SizeClasses.MIN_OBJECT_BYTES});
 * a "finalized" bit is {@code (finalized, 1 bit, 8 bytes)}.
 *
 * <p>A <em>sparse</em> spec ({@link #sparse(String, int)}) is for metadata that few objects have (a
 * finalizer, weak references): its storage, {@link SparseSideTable}, allocates a block of entries
 * only when one of them is first set, so a heap where nothing is registered pays nothing.
 *
 * @param name          what the table holds, for reports
 * @param log2Bits      log2 of the bits per entry: 0..6 (1 to 64 bits)
 * @param log2Region    log2 of the heap bytes one entry covers: 3 (8 bytes, one granule) or more
 * @param sparse        entries are stored in blocks allocated on first use (32-bit entries only)
 */
public record SideMetadataSpec(String name, int log2Bits, int log2Region, boolean sparse) {
    public SideMetadataSpec {
        if (log2Bits < 0 || log2Bits > 6) throw new IllegalArgumentException("bits per entry must be 1..64 (a power of two): 2^" + log2Bits);
        if (log2Region < 3 || log2Region > 26) throw new IllegalArgumentException("bytes per region must be 8..64 MiB (a power of two): 2^" + log2Region);
        if (sparse && log2Bits != 5) throw new IllegalArgumentException(name + ": sparse side tables have 32-bit entries");
    }

    public SideMetadataSpec(String name, int log2Bits, int log2Region) { this(name, log2Bits, log2Region, false); }

    /** A sparse spec: a 32-bit entry per {@code regionBytes} bytes, stored only where some entry is set. */
    public static SideMetadataSpec sparse(String name, int regionBytes) {
        SideMetadataSpec dense = of(name, 32, regionBytes);
        return new SideMetadataSpec(name, dense.log2Bits(), dense.log2Region(), true);
    }

    /** A spec with {@code bits} bits (1, 2, 4, 8, 16, 32 or 64) per {@code regionBytes} bytes. */
    public static SideMetadataSpec of(String name, int bits, int regionBytes) {
        if (Integer.bitCount(bits) != 1 || Integer.bitCount(regionBytes) != 1) {
            throw new IllegalArgumentException(name + ": bits per entry and bytes per region must be powers of two");
        }
        return new SideMetadataSpec(name, Integer.numberOfTrailingZeros(bits), Integer.numberOfTrailingZeros(regionBytes));
    }

    public int bitsPerEntry() { return 1 << log2Bits; }
    public int bytesPerRegion() { return 1 << log2Region; }

    /** Side-table bytes needed per MiB of heap (for a sparse spec: where every block is in use, the most it can take). */
    public double bytesPerHeapMiB() { return (double) (1 << 20) / bytesPerRegion() * bitsPerEntry() / 8; }
}
