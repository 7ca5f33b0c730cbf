#ifndef CPOPPLER_H
#define CPOPPLER_H
#include <stddef.h>

/// A small C face of poppler-glib (PDF text and page images), which is loaded with dlopen on
/// first use rather than linked: linking it adds about 9.5 ms to every start-up of the binary.
/// No poppler header is needed at build time; the few functions used are declared in the .c file.

/// An open PDF document (a private copy of its bytes stays alive with it).
typedef struct cpoppler_document cpoppler_document;

/// Outcomes of `cpoppler_open`.
enum {
    CPOPPLER_OK = 0,
    /// poppler-glib (or cairo, glib) could not be loaded; `cpoppler_load_error` says why.
    CPOPPLER_UNAVAILABLE = 1,
    /// Not a PDF poppler can read (the message holds poppler's reason).
    CPOPPLER_DAMAGED = 2,
    /// Opening needs a password.
    CPOPPLER_ENCRYPTED = 3,
};

/// Whether poppler-glib could be loaded (0 when it is not installed).
int cpoppler_available(void);

/// Why loading failed (dlerror's text), or "" when it did not.
const char *cpoppler_load_error(void);

/// Opens a PDF from bytes, without a password. Returns NULL on failure, with `*status` set
/// and a reason written to `message` (NUL-terminated, at most `message_size` bytes).
cpoppler_document *cpoppler_open(const void *bytes, size_t length, int *status, char *message, size_t message_size);

/// The number of pages.
int cpoppler_page_count(cpoppler_document *document);

/// The text of page `index` (from 0) as UTF-8, malloc'd (free with `cpoppler_free`); NULL when
/// the page cannot be read.
char *cpoppler_page_text(cpoppler_document *document, int index);

/// The page size in points (1/72 inch); 0 on failure.
int cpoppler_page_size(cpoppler_document *document, int index, double *width, double *height);

/// Page `index` rendered on white at `scale` pixels per point, as PNG bytes, malloc'd (free
/// with `cpoppler_free`), with `*length` set; NULL when cairo is missing or rendering fails.
unsigned char *cpoppler_render_png(cpoppler_document *document, int index, double scale, size_t *length);

/// Frees what `cpoppler_page_text` and `cpoppler_render_png` return.
void cpoppler_free(void *pointer);

/// Closes the document.
void cpoppler_close(cpoppler_document *document);

#endif
