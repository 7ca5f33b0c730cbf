#include "cpoppler.h"
#include <dlfcn.h>

// Loaded on first use, not linked: linking poppler-glib adds about 9.5 ms to every start-up.
int cpoppler_available(void) {
    static void *handle;
    if (!handle) handle = dlopen("libpoppler-glib.so.8", RTLD_NOW | RTLD_LOCAL);
    return handle != 0;
}
