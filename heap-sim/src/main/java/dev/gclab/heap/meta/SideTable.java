package dev.gclab.heap.meta;

import dev.gclab.heap.memory.HeapMemory;

/**
 * The storage behind one {@link SideMetadataSpec}: {@code long} words, one array per 64 MiB heap
 * chunk, created when the chunk is committed. This class is the one place where an address becomes
 * a (chunk, word, shift) triple:
 *
 * <pre>
 *   entry = (address - BASE) >>> log2Region          (within the chunk)
 *   bit   = entry << log2Bits
 *   word  = bit >>> 6,  shift = bit & 63,  mask = (1 << bitsPerEntry) - 1
 * </pre>
 *
 * Entries never straddle words because entry widths are powers of two up to 64. Tables of 32-bit
 * entries (counts, list positions) are stored as {@code int[]}s instead, one element per entry, and
 * offer {@link #getInt}/{@link #setInt}/{@link #addInt}: no packing, the hot paths of reference
 * counting and cycle detection.
 */
public final class SideTable {
    private final SideMetadataSpec spec;
    private final int log2Bits;
    private final int log2Region;
    private final long mask;
    private final int wordsPerChunk;
    private long[][] chunks = new long[0][];
    private final boolean int32;
    private int[][] ints = new int[0][];
    private final int intsPerChunk;

    public SideTable(SideMetadataSpec spec) {
        this.spec = spec;
        this.log2Bits = spec.log2Bits();
        this.log2Region = spec.log2Region();
        this.mask = log2Bits == 6 ? -1L : (1L << (1 << log2Bits)) - 1;
        long bits = (HeapMemory.CHUNK_BYTES >>> log2Region) << log2Bits;
        this.wordsPerChunk = (int) Math.max(1, bits >>> 6);
        this.int32 = log2Bits == 5;
        this.intsPerChunk = (int) (HeapMemory.CHUNK_BYTES >>> log2Region);
    }

    public SideMetadataSpec spec() { return spec; }

    /** Makes room for the first {@code chunkCount} chunks. Called by the heap as it grows. */
    public void ensureChunks(int chunkCount) {
        if (int32) {
            if (ints.length >= chunkCount) return;
            int[][] grown = java.util.Arrays.copyOf(ints, chunkCount);
            for (int i = ints.length; i < chunkCount; i++) grown[i] = new int[intsPerChunk];
            ints = grown;
            return;
        }
        if (chunks.length >= chunkCount) return;
        long[][] grown = java.util.Arrays.copyOf(chunks, chunkCount);
        for (int i = chunks.length; i < chunkCount; i++) grown[i] = new long[wordsPerChunk];
        chunks = grown;
    }

    /** The 32-bit entry of {@code address} (32-bit tables only), as an unsigned value in an int. */
    public int getInt(long address) {
        long off = address - HeapMemory.BASE;
        return ints[(int) (off >>> HeapMemory.CHUNK_SHIFT)][(int) ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region)];
    }

    public void setInt(long address, int value) {
        long off = address - HeapMemory.BASE;
        ints[(int) (off >>> HeapMemory.CHUNK_SHIFT)][(int) ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region)] = value;
    }

    /** Adds {@code delta} to a 32-bit entry and returns the new value. */
    public int addInt(long address, int delta) {
        long off = address - HeapMemory.BASE;
        int[] t = ints[(int) (off >>> HeapMemory.CHUNK_SHIFT)];
        int i = (int) ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region);
        return t[i] += delta;
    }

    public long get(long address) {
        if (int32) return getInt(address) & 0xFFFF_FFFFL;
        long off = address - HeapMemory.BASE;
        long bit = ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region) << log2Bits;
        return (chunks[(int) (off >>> HeapMemory.CHUNK_SHIFT)][(int) (bit >>> 6)] >>> bit) & mask;
    }

    public void set(long address, long value) {
        if (int32) {
            setInt(address, (int) value);
            return;
        }
        long off = address - HeapMemory.BASE;
        long bit = ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region) << log2Bits;
        long[] words = chunks[(int) (off >>> HeapMemory.CHUNK_SHIFT)];
        int w = (int) (bit >>> 6);
        words[w] = (words[w] & ~(mask << bit)) | ((value & mask) << bit);
    }

    /** Adds {@code delta} to the entry (wrapping within its width) and returns the new value. */
    public long add(long address, long delta) {
        long v = (get(address) + delta) & mask;
        set(address, v);
        return v;
    }

    /** Zeroes the entries covering {@code [address, address + bytes)}. */
    public void clear(long address, long bytes) {
        long end = address + bytes;
        for (long a = address; a < end; a += 1L << log2Region) set(a, 0);
    }

    /** Bytes of Java memory this table holds now. */
    public long footprintBytes() { return (long) chunks.length * wordsPerChunk * 8 + (long) ints.length * intsPerChunk * 4; }
}
