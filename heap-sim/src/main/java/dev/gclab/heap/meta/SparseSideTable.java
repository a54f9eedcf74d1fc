package dev.gclab.heap.meta;

import dev.gclab.heap.memory.HeapMemory;

/**
 * The storage of a sparse {@link SideMetadataSpec}: 32-bit entries kept in blocks of
 * {@value #BLOCK_ENTRIES} entries, a block allocated when one of its entries is first set to a
 * non-zero value. Reading an entry of a missing block gives 0. Address arithmetic is
 * {@link SideTable}'s (chunk, entry), with the entry split into (block, index):
 *
 * <pre>
 *   entry = ((address - BASE) mod 64 MiB) >>> log2Region,  block = entry >>> 12,  index = entry & 4095
 * </pre>
 *
 * <p>For metadata that few objects carry — the finalization service's flags and record indexes — this
 * keeps an object's state one table read away (no hash map, no boxing) while a heap on which nothing is
 * registered pays nothing, and one with a few registrations pays 16 KiB per block touched. Blocks are
 * never freed while the heap lives (a cleared block is all zeros and is reused).
 */
public final class SparseSideTable implements SideMetadata {
    static final int BLOCK_SHIFT = 12;
    public static final int BLOCK_ENTRIES = 1 << BLOCK_SHIFT;
    private static final int INDEX_MASK = BLOCK_ENTRIES - 1;

    private final SideMetadataSpec spec;
    private final int log2Region;
    private int[][][] chunks = new int[0][][];

    public SparseSideTable(SideMetadataSpec spec) {
        if (!spec.sparse()) throw new IllegalArgumentException(spec.name() + " is not a sparse spec");
        this.spec = spec;
        this.log2Region = spec.log2Region();
    }

    @Override public SideMetadataSpec spec() { return spec; }

    @Override
    public void ensureCommitted(long committedBytes) {
        int chunkCount = (int) ((committedBytes + HeapMemory.CHUNK_BYTES - 1) >>> HeapMemory.CHUNK_SHIFT);
        int have = chunks.length;
        if (have >= chunkCount) return;
        chunks = java.util.Arrays.copyOf(chunks, chunkCount);
        for (int i = have; i < chunkCount; i++) {
            long bytes = Math.min(HeapMemory.CHUNK_BYTES, committedBytes - ((long) i << HeapMemory.CHUNK_SHIFT));
            long entries = (bytes + (1L << log2Region) - 1) >>> log2Region;
            chunks[i] = new int[(int) ((entries + BLOCK_ENTRIES - 1) >>> BLOCK_SHIFT)][];
        }
    }

    /** The entry of {@code address} (0 where nothing was ever set). */
    public int get(long address) {
        long off = address - HeapMemory.BASE;
        int e = (int) ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region);
        int[] b = chunks[(int) (off >>> HeapMemory.CHUNK_SHIFT)][e >>> BLOCK_SHIFT];
        return b == null ? 0 : b[e & INDEX_MASK];
    }

    public void set(long address, int value) {
        long off = address - HeapMemory.BASE;
        int e = (int) ((off & (HeapMemory.CHUNK_BYTES - 1)) >>> log2Region);
        int[][] c = chunks[(int) (off >>> HeapMemory.CHUNK_SHIFT)];
        int[] b = c[e >>> BLOCK_SHIFT];
        if (b == null) {
            if (value == 0) return;
            b = c[e >>> BLOCK_SHIFT] = new int[BLOCK_ENTRIES];
        }
        b[e & INDEX_MASK] = value;
    }

    /** Blocks allocated so far. */
    public int blocks() {
        int n = 0;
        for (int[][] c : chunks) for (int[] b : c) if (b != null) n++;
        return n;
    }

    @Override
    public long footprintBytes() { return (long) blocks() * BLOCK_ENTRIES * Integer.BYTES; }
}
