package dev.gclab.heap.memory;

import dev.gclab.heap.OutOfHeapException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The simulated heap's bytes: off-heap chunks committed on demand.
 *
 * <p>Design. A heap has a fixed maximum size but costs nothing until it is used: memory is committed
 * in chunks of {@value #CHUNK_BYTES} bytes (64 MiB, the size of one of Go's heap arenas), each a
 * {@link MemorySegment} of one long-lived shared {@link Arena} that is closed with the heap. Where it can
 * ({@link Reservation}: Linux), the heap reserves its whole maximum as one mapping when it is created
 * and a chunk is a slice of it, which the operating system fills with zero pages on first touch;
 * otherwise a chunk is allocated (and zero-filled) by the arena when it is committed. The last chunk of
 * a heap whose maximum is not a multiple of 64 MiB is smaller. Simulated addresses are
 * {@code long}s: chunk {@code c} covers {@code [BASE + c*CHUNK_BYTES, BASE + c*CHUNK_BYTES + size)}.
 * {@link #BASE} is far from zero so that 0 is null and small integers are never valid addresses.
 *
 * <p>Address arithmetic is a subtraction (with a reservation) or a shift and a mask (chunk by chunk);
 * nothing here allocates a Java object per access. No object and no span ever crosses a chunk
 * boundary, so every simulated object lies in one segment. Accessors do not validate addresses beyond
 * what the segment does (an out-of-range offset throws {@link IndexOutOfBoundsException}): validation
 * against the object model is the mutator's job. With a reservation the word accessors go through the
 * one segment over the whole range ({@code address - BASE}, bounds-checked against the maximum, not
 * against what is committed: reserved pages read as zero), not through the chunk table: that took the
 * detector's young collection (700 new objects beside 1e6 old ones) from 78 to 51-69 µs and reading
 * 700 warm objects from 10.8 to 3.8 µs (alternating runs, JDK 25).
 *
 * <p>Native memory. When the machine cannot give a chunk ({@link Arena#allocate} throws
 * {@link OutOfMemoryError}, or any other {@link Error}), {@link #commitChunk} throws an
 * {@link OutOfHeapException} that says so, and the heap stays as it was. For tests of that path, the
 * system property {@value #FAIL_COMMIT_PROPERTY}{@code =N} makes the commit of chunk N (0 is the first)
 * of every heap created afterwards fail as if the machine had run out of memory.
 */
public final class HeapMemory implements AutoCloseable {
    /** The address of the first heap byte. */
    public static final long BASE = 1L << 32;
    public static final int CHUNK_SHIFT = 26;
    public static final long CHUNK_BYTES = 1L << CHUNK_SHIFT;
    private static final long CHUNK_MASK = CHUNK_BYTES - 1;

    /** Test hook: the index of the chunk whose commit fails with a simulated {@link OutOfMemoryError}. */
    public static final String FAIL_COMMIT_PROPERTY = "gclab.heap.failCommitAt";

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Arena arena = Arena.ofShared();
    private final long maxBytes;
    /** The heap's whole address range, reserved up front; null when chunks are allocated one by one. */
    private final MemorySegment reservation;
    private MemorySegment[] chunks;
    private int chunkCount;
    private long committedBytes;
    private boolean closed;
    private final int failCommitAt;

    /** @param maxBytes the most this heap may ever commit, a multiple of 8 KiB */
    public HeapMemory(long maxBytes) {
        this(maxBytes, Integer.getInteger(FAIL_COMMIT_PROPERTY, -1));
    }

    /** @param failCommitAt the chunk whose commit fails as if the machine were out of memory, or -1 */
    HeapMemory(long maxBytes, int failCommitAt) {
        this.failCommitAt = failCommitAt;
        if (maxBytes <= 0 || (maxBytes & 8191) != 0) {
            throw new IllegalArgumentException("heap maximum must be a positive multiple of 8 KiB: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.chunks = new MemorySegment[(int) ((maxBytes + CHUNK_BYTES - 1) >>> CHUNK_SHIFT)];
        this.reservation = Reservation.reserve(maxBytes, arena);
    }

    /** True if this heap reserved its whole range up front (chunks are slices of one mapping). */
    public boolean isReserved() { return reservation != null; }

    /** The native address of the reservation (for tests that look the mapping up), or 0 without one. */
    long reservationAddress() { return reservation == null ? 0 : reservation.address(); }

    /**
     * Commits the next chunk (zero-filled: by the operating system on first touch of a reservation, or
     * by the arena).
     *
     * @return the chunk's size in bytes, or 0 when the maximum is already committed
     * @throws OutOfHeapException if the machine cannot give the chunk (nothing changes then); its
     *         live bytes are unknown here, see {@link OutOfHeapException#withLiveBytes}
     */
    public long commitChunk() {
        if (committedBytes >= maxBytes) {
            return 0;
        }
        long size = Math.min(CHUNK_BYTES, maxBytes - committedBytes);
        MemorySegment chunk;
        try {
            if (chunkCount == failCommitAt) {
                throw new OutOfMemoryError("simulated: " + FAIL_COMMIT_PROPERTY + "=" + failCommitAt + " (cannot allocate " + size + " bytes)");
            }
            chunk = reservation != null ? reservation.asSlice(committedBytes, size) : arena.allocate(size, 4096);
        } catch (Error e) { // OutOfMemoryError from the native allocation, or any other Error there
            throw OutOfHeapException.machineOutOfMemory(maxBytes, committedBytes, size, e);
        }
        chunks[chunkCount++] = chunk;
        committedBytes += size;
        return size;
    }

    public long maxBytes() { return maxBytes; }
    public long committedBytes() { return committedBytes; }
    public int chunkCount() { return chunkCount; }
    /** One past the last committed address. */
    public long limit() { return BASE + committedBytes; }
    public boolean contains(long address) { return address >= BASE && address < BASE + committedBytes; }

    private MemorySegment chunk(long address) { return chunks[(int) ((address - BASE) >>> CHUNK_SHIFT)]; }
    private static long offset(long address) { return (address - BASE) & CHUNK_MASK; }

    /** The segment (chunk) holding {@code address}: for code that touches many words of one span. */
    public MemorySegment segmentOf(long address) { return chunk(address); }

    /** The offset of {@code address} inside {@link #segmentOf its segment}. */
    public static long offsetInSegment(long address) { return offset(address); }

    public long getLong(long address) { return segment(address).get(LONG, segmentOffset(address)); }
    public void setLong(long address, long value) { segment(address).set(LONG, segmentOffset(address), value); }
    public int getInt(long address) { return segment(address).get(INT, segmentOffset(address)); }
    public void setInt(long address, int value) { segment(address).set(INT, segmentOffset(address), value); }
    public double getDouble(long address) { return segment(address).get(DOUBLE, segmentOffset(address)); }
    public void setDouble(long address, double value) { segment(address).set(DOUBLE, segmentOffset(address), value); }
    public byte getByte(long address) { return segment(address).get(ValueLayout.JAVA_BYTE, segmentOffset(address)); }
    public void setByte(long address, byte value) { segment(address).set(ValueLayout.JAVA_BYTE, segmentOffset(address), value); }

    /** The segment a word access goes through: the whole reservation if there is one, else the address's chunk. */
    private MemorySegment segment(long address) {
        MemorySegment r = reservation;
        return r != null ? r : chunk(address);
    }

    /** The offset of {@code address} in {@link #segment}. */
    private long segmentOffset(long address) { return reservation != null ? address - BASE : offset(address); }

    /** Zeroes {@code bytes} bytes from {@code address} (which must lie in one chunk). */
    public void zero(long address, long bytes) {
        if (bytes <= 64) {
            MemorySegment c = chunk(address);
            long off = offset(address);
            for (long i = 0; i < bytes; i += 8) {
                c.set(LONG, off + i, 0L);
            }
        } else {
            chunk(address).asSlice(offset(address), bytes).fill((byte) 0);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
