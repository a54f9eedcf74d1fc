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
 * @param name          what the table holds, for reports
 * @param log2Bits      log2 of the bits per entry: 0..6 (1 to 64 bits)
 * @param log2Region    log2 of the heap bytes one entry covers: 3 (8 bytes, one granule) or more
 */
public record SideMetadataSpec(String name, int log2Bits, int log2Region) {
    public SideMetadataSpec {
        if (log2Bits < 0 || log2Bits > 6) throw new IllegalArgumentException("bits per entry must be 1..64 (a power of two): 2^" + log2Bits);
        if (log2Region < 3 || log2Region > 26) throw new IllegalArgumentException("bytes per region must be 8..64 MiB (a power of two): 2^" + log2Region);
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

    /** Side-table bytes needed per MiB of heap. */
    public double bytesPerHeapMiB() { return (double) (1 << 20) / bytesPerRegion() * bitsPerEntry() / 8; }
}
