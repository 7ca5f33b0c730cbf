// Memory housekeeping the Swift standard library does not expose.

/// Gives the allocator's free memory back to the system where the C library can (glibc's
/// malloc_trim); returns 1 if some was released, 0 otherwise or elsewhere.
int cmem_trim(void);
