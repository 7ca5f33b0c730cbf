#include <stdlib.h>
#include "CMemory.h"

#if defined(__GLIBC__)
#include <malloc.h>
int cmem_trim(void) { return malloc_trim(0); }
#else
int cmem_trim(void) { return 0; }
#endif
