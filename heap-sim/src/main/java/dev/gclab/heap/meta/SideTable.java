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
 * Entries never straddle words because entry widths are powers of two up to 64.
 */
public final class SideTable {
    private final SideMetadataSpec spec;
    private final int log2Bits;
    private final int log2Region;
    private final long mask;
    private final int wordsPerChunk;
    private long[][] chunks = new long[0][];

    public SideTable(SideMetadataSpec spec) {
        this.spec = spec;
        this.log2Bits = spec.log2Bits();
        this.log2Region = spec.log2Region();
        this.mask = log2Bits == 6 ? -1L : (1L << (1 << log2Bits)) - 1;
        long bits = (HeapMemory.CHUNK_BYTES >>> log2Region) << log2Bits;
        this.wordsPerChunk = (int) Math.max(1, bits >>> 6);
    }

    public SideMetadataSpec spec() { return spec; }

    /** Makes room for the first {@code chunkCount} chunks. Called by the heap as it grows. */
    public void ensureChunks(int chunkCount) {
        if (chunks.length >= chunkCount) return;
        long[][] grown = java.util.Arrays.copyOf(chunks, chunkCount);
        for (int i = chunks.length; i < chunkCount; i++) grown[i] = new long[wordsPerChunk];
        chunks = grown;
    }

    public long get(long address) {
        long off = address - HeapMemory.BASE;
        long bit = ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region) << log2Bits;
        return (chunks[(int) (off >>> HeapMemory.CHUNK_SHIFT)][(int) (bit >>> 6)] >>> bit) & mask;
    }

    public void set(long address, long value) {
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

    /** Zeroes the whole table. */
    public void clearAll() {
        for (long[] c : chunks) java.util.Arrays.fill(c, 0L);
    }

    /** Bytes of Java memory this table holds now. */
    public long footprintBytes() { return (long) chunks.length * wordsPerChunk * 8; }
}
