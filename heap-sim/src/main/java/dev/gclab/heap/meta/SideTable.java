package dev.gclab.heap.meta;

import dev.gclab.heap.memory.HeapMemory;

/**
 * The storage behind one {@link SideMetadataSpec}: {@code long} words, one array per 64 MiB heap
 * chunk, created when the chunk is committed and as large as that chunk (a heap smaller than a
 * chunk gets a table for its own size, not for 64 MiB). This class is the one place where an address becomes
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
public final class SideTable implements SideMetadata {
    private final SideMetadataSpec spec;
    private final int log2Bits;
    private final int log2Region;
    private final long mask;
    private long[][] chunks = new long[0][];
    private final boolean int32;
    private int[][] ints = new int[0][];

    public SideTable(SideMetadataSpec spec) {
        if (spec.sparse()) throw new IllegalArgumentException(spec.name() + " is a sparse spec: its storage is a SparseSideTable");
        this.spec = spec;
        this.log2Bits = spec.log2Bits();
        this.log2Region = spec.log2Region();
        this.mask = log2Bits == 6 ? -1L : (1L << (1 << log2Bits)) - 1;
        this.int32 = log2Bits == 5;
    }

    @Override public SideMetadataSpec spec() { return spec; }

    /** Makes room for the first {@code chunkCount} full chunks. */
    public void ensureChunks(int chunkCount) { ensureCommitted((long) chunkCount << HeapMemory.CHUNK_SHIFT); }

    /**
     * Makes room for a heap of {@code committedBytes} committed from {@link HeapMemory#BASE} on: every
     * chunk but the last is full; the last (the heap's maximum reached) may be smaller, and its table
     * is sized to it. Called by the heap as it grows.
     */
    @Override
    public void ensureCommitted(long committedBytes) {
        int chunkCount = (int) ((committedBytes + HeapMemory.CHUNK_BYTES - 1) >>> HeapMemory.CHUNK_SHIFT);
        int have = int32 ? ints.length : chunks.length;
        if (have >= chunkCount) return;
        if (int32) ints = java.util.Arrays.copyOf(ints, chunkCount);
        else chunks = java.util.Arrays.copyOf(chunks, chunkCount);
        for (int i = have; i < chunkCount; i++) {
            long bytes = Math.min(HeapMemory.CHUNK_BYTES, committedBytes - ((long) i << HeapMemory.CHUNK_SHIFT));
            long entries = (bytes + (1L << log2Region) - 1) >>> log2Region;
            if (int32) ints[i] = new int[(int) entries];
            else chunks[i] = new long[(int) Math.max(1, ((entries << log2Bits) + 63) >>> 6)];
        }
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
    @Override
    public long footprintBytes() {
        long bytes = 0;
        for (long[] c : chunks) bytes += (long) c.length * Long.BYTES;
        for (int[] c : ints) bytes += (long) c.length * Integer.BYTES;
        return bytes;
    }
}
