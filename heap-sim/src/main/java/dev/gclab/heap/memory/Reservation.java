package dev.gclab.heap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * One address-space reservation per heap, for its whole maximum: an anonymous private mapping
 * ({@code mmap} with {@code MAP_NORESERVE}, through the FFM {@link Linker}), so the operating system
 * gives pages on first touch, already zero, and nothing is committed or zero-filled up front. A heap
 * then "commits" a chunk by slicing it from the reservation (no allocation, no fill: heap creation and
 * growth cost microseconds, where allocating and zero-filling a 64 MiB chunk took 60–70 ms). The segment
 * is bounded to the reservation and belongs to the heap's arena, which unmaps it when the heap closes,
 * so no access can fall outside mapped memory.
 *
 * <p>Huge pages. A reservation of at least {@value #HUGE_MIN_BYTES} bytes is advised to the kernel as
 * {@code MADV_HUGEPAGE} (transparent huge pages, when the machine's policy is {@code madvise} or
 * {@code always}): marking a scattered graph takes a TLB miss per edge once the heap outgrows what 4-KiB
 * pages cover, and under a virtual machine's nested paging each miss is a two-dimensional page walk.
 * Measured on this project's 2-core VM (marksweep, {@code random} graph, mark ns/object, medians of 5,
 * alternating): N = 1e7 651 and 678 with huge pages against 747 and 745 without (about 10 % less);
 * N = 1e6 unchanged within noise (119/145 against 113/159). The rest of the 1e7 figure is memory latency
 * (the machine probe's dependent read measured 292 ns that day): CPython's {@code gc.collect()} on the
 * same graph went from 343 to 640 ns/object between 1e6 and 1e7 on the same machine. {@value #HUGE_PROPERTY}{@code =false} keeps 4-KiB pages (for an A/B, or to compare with a
 * runtime that does not use huge pages); smaller heaps (every unit test's) never ask, so a fault commits
 * 4 KiB, not 2 MiB.
 *
 * <p>Linux only (the {@code mmap} flags are Linux's); elsewhere, when {@code mmap} fails, or with the
 * system property {@value #PROPERTY}{@code =arena}, {@link #reserve} answers null and the heap allocates
 * its chunks from the arena as before. The downcalls and {@link MemorySegment#reinterpret} are
 * restricted methods: the launcher, the tests and the benchmarks run with
 * {@code --enable-native-access=ALL-UNNAMED} (without it the JVM prints one warning and goes on).
 */
final class Reservation {
    /** {@code reserve} (the default) or {@code arena}. */
    static final String PROPERTY = "gclab.memory";
    /** {@code true} (the default) or {@code false}: advise large reservations as huge pages. */
    static final String HUGE_PROPERTY = "gclab.memory.hugepages";
    /** The smallest reservation advised as huge pages: one chunk. */
    static final long HUGE_MIN_BYTES = HeapMemory.CHUNK_BYTES;
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    private static final int MADV_HUGEPAGE = 14;

    private static final MethodHandle MMAP, MUNMAP, MADVISE;

    static {
        MethodHandle mmap = null, munmap = null, madvise = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                mmap = munmap = madvise = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
    }

    private Reservation() {}

    /** True if heaps reserve their address range (not disabled, and mmap is available here). */
    static boolean available() { return MMAP != null && !"arena".equals(System.getProperty(PROPERTY)); }

    /**
     * Reserves {@code bytes} of address space, unmapped when {@code arena} closes.
     *
     * @return the reservation, or null (not available here, or mmap refused)
     */
    static MemorySegment reserve(long bytes, Arena arena) {
        if (!available()) return null;
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (p.address() == -1L || p.address() == 0L) return null; // MAP_FAILED
            if (bytes >= HUGE_MIN_BYTES && !"false".equals(System.getProperty(HUGE_PROPERTY))) {
                int ignored = (int) MADVISE.invokeExact(p, bytes, MADV_HUGEPAGE); // advice: refused or not, the mapping works
            }
            return p.reinterpret(bytes, arena, s -> unmap(s.address(), bytes));
        } catch (Throwable e) {
            return null;
        }
    }

    private static void unmap(long address, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
        } catch (Throwable e) {
            // nothing to do: the address space stays reserved until the process ends
        }
    }
}
