#include "cpoppler.h"
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Loaded on first use, not linked: linking poppler-glib adds about 9.5 ms to every start-up.
// The few functions used are declared here with opaque pointers, so no poppler, glib or cairo
// header is needed to build.

typedef struct {
    unsigned int domain;
    int code;
    char *message;
} GErrorABI;  // glib's GError, whose layout is part of glib's stable ABI

typedef void (*log_func)(const char *domain, int level, const char *message, void *data);

static struct {
    // poppler-glib
    void *(*document_new_from_data)(char *data, int length, const char *password, GErrorABI **error);
    int (*document_get_n_pages)(void *document);
    void *(*document_get_page)(void *document, int index);
    char *(*page_get_text)(void *page);
    void (*page_get_size)(void *page, double *width, double *height);
    void (*page_render)(void *page, void *cairo);
    unsigned int (*error_quark)(void);
    // gobject / glib
    void (*object_unref)(void *object);
    void (*g_free)(void *pointer);
    void (*error_free)(GErrorABI *error);
    unsigned int (*log_set_handler)(const char *domain, int levels, log_func func, void *data);
    // cairo (page images only; NULL when libcairo is missing)
    void *(*image_surface_create)(int format, int width, int height);
    void *(*cairo_create)(void *surface);
    void (*cairo_scale)(void *cairo, double sx, double sy);
    void (*set_source_rgb)(void *cairo, double r, double g, double b);
    void (*cairo_paint)(void *cairo);
    void (*cairo_destroy)(void *cairo);
    int (*surface_write_to_png_stream)(void *surface, int (*write)(void *closure, const unsigned char *data, unsigned int length), void *closure);
    int (*surface_status)(void *surface);
    void (*surface_destroy)(void *surface);
} api;

static int loaded;       // 1: poppler usable; -1: failed
static int cairo_loaded; // 1 when the cairo functions are there
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

// glib's log levels: every level, plus the fatal and recursion flags.
enum { LOG_ALL_LEVELS = 0xFF | 1 | 2 };

// Poppler reports syntax errors of broken PDFs through glib logging (domain "Poppler"): they are
// dropped here so that serve's log and the chat screen stay clean (the caller gets an error).
static void silent_log(const char *domain, int level, const char *message, void *data) {
    (void)domain; (void)level; (void)message; (void)data;
}

static void *symbol(void *handle, const char *name) {
    void *found = dlsym(handle, name);
    if (!found && !load_error[0]) snprintf(load_error, sizeof load_error, "%s: missing symbol %s", "libpoppler-glib.so.8", name);
    return found;
}

static void load(void) {
    void *poppler = dlopen("libpoppler-glib.so.8", RTLD_NOW | RTLD_LOCAL);
    if (!poppler) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : "libpoppler-glib.so.8 could not be loaded");
        loaded = -1;
        return;
    }
    // poppler-glib itself needs gobject and glib, so these are already in the process.
    void *gobject = dlopen("libgobject-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    void *glib = dlopen("libglib-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!gobject || !glib) {
        snprintf(load_error, sizeof load_error, "glib or gobject could not be loaded");
        loaded = -1;
        return;
    }
    *(void **)&api.document_new_from_data = symbol(poppler, "poppler_document_new_from_data");
    *(void **)&api.document_get_n_pages = symbol(poppler, "poppler_document_get_n_pages");
    *(void **)&api.document_get_page = symbol(poppler, "poppler_document_get_page");
    *(void **)&api.page_get_text = symbol(poppler, "poppler_page_get_text");
    *(void **)&api.page_get_size = symbol(poppler, "poppler_page_get_size");
    *(void **)&api.page_render = symbol(poppler, "poppler_page_render");
    *(void **)&api.error_quark = symbol(poppler, "poppler_error_quark");
    *(void **)&api.object_unref = symbol(gobject, "g_object_unref");
    *(void **)&api.g_free = symbol(glib, "g_free");
    *(void **)&api.error_free = symbol(glib, "g_error_free");
    *(void **)&api.log_set_handler = symbol(glib, "g_log_set_handler");
    if (load_error[0]) {
        loaded = -1;
        return;
    }
    api.log_set_handler("Poppler", LOG_ALL_LEVELS, silent_log, NULL);

    void *cairo = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
    if (cairo) {
        *(void **)&api.image_surface_create = dlsym(cairo, "cairo_image_surface_create");
        *(void **)&api.cairo_create = dlsym(cairo, "cairo_create");
        *(void **)&api.cairo_scale = dlsym(cairo, "cairo_scale");
        *(void **)&api.set_source_rgb = dlsym(cairo, "cairo_set_source_rgb");
        *(void **)&api.cairo_paint = dlsym(cairo, "cairo_paint");
        *(void **)&api.cairo_destroy = dlsym(cairo, "cairo_destroy");
        *(void **)&api.surface_write_to_png_stream = dlsym(cairo, "cairo_surface_write_to_png_stream");
        *(void **)&api.surface_status = dlsym(cairo, "cairo_surface_status");
        *(void **)&api.surface_destroy = dlsym(cairo, "cairo_surface_destroy");
        cairo_loaded = api.image_surface_create && api.cairo_create && api.cairo_scale && api.set_source_rgb
            && api.cairo_paint && api.cairo_destroy && api.surface_write_to_png_stream && api.surface_status
            && api.surface_destroy;
    }
    loaded = 1;
}

int cpoppler_available(void) {
    pthread_once(&load_once, load);
    return loaded == 1;
}

const char *cpoppler_load_error(void) {
    pthread_once(&load_once, load);
    return load_error;
}

struct cpoppler_document {
    void *document;
    char *bytes;  // poppler reads from this copy for as long as the document is open
};

cpoppler_document *cpoppler_open(const void *bytes, size_t length, int *status, char *message, size_t message_size) {
    if (message && message_size) message[0] = 0;
    if (!cpoppler_available()) {
        *status = CPOPPLER_UNAVAILABLE;
        if (message && message_size) snprintf(message, message_size, "%s", load_error);
        return NULL;
    }
    if (length == 0 || length > INT_MAX) {
        *status = CPOPPLER_DAMAGED;
        if (message && message_size) snprintf(message, message_size, "%s", length ? "too large" : "empty");
        return NULL;
    }
    char *copy = malloc(length);
    if (!copy) {
        *status = CPOPPLER_DAMAGED;
        if (message && message_size) snprintf(message, message_size, "out of memory");
        return NULL;
    }
    memcpy(copy, bytes, length);
    GErrorABI *error = NULL;
    void *document = api.document_new_from_data(copy, (int)length, NULL, &error);
    if (!document) {
        int encrypted = error && error->domain == api.error_quark() && error->code == 1;
        *status = encrypted ? CPOPPLER_ENCRYPTED : CPOPPLER_DAMAGED;
        if (message && message_size) snprintf(message, message_size, "%s", error && error->message ? error->message : "unreadable");
        if (error) api.error_free(error);
        free(copy);
        return NULL;
    }
    if (error) api.error_free(error);
    cpoppler_document *handle = malloc(sizeof *handle);
    if (!handle) {
        api.object_unref(document);
        free(copy);
        *status = CPOPPLER_DAMAGED;
        if (message && message_size) snprintf(message, message_size, "out of memory");
        return NULL;
    }
    handle->document = document;
    handle->bytes = copy;
    *status = CPOPPLER_OK;
    return handle;
}

int cpoppler_page_count(cpoppler_document *document) {
    int count = api.document_get_n_pages(document->document);
    return count < 0 ? 0 : count;
}

char *cpoppler_page_text(cpoppler_document *document, int index) {
    void *page = api.document_get_page(document->document, index);
    if (!page) return NULL;
    char *text = api.page_get_text(page);
    char *copy = text ? strdup(text) : strdup("");
    if (text) api.g_free(text);
    api.object_unref(page);
    return copy;
}

int cpoppler_page_size(cpoppler_document *document, int index, double *width, double *height) {
    void *page = api.document_get_page(document->document, index);
    if (!page) return 0;
    api.page_get_size(page, width, height);
    api.object_unref(page);
    return 1;
}

typedef struct {
    unsigned char *data;
    size_t length;
    size_t capacity;
    int failed;
} png_buffer;

static int append_png(void *closure, const unsigned char *data, unsigned int length) {
    png_buffer *buffer = closure;
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 65536;
        while (capacity < buffer->length + length) capacity *= 2;
        unsigned char *grown = realloc(buffer->data, capacity);
        if (!grown) {
            buffer->failed = 1;
            return 11;  // CAIRO_STATUS_WRITE_ERROR
        }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, data, length);
    buffer->length += length;
    return 0;  // CAIRO_STATUS_SUCCESS
}

unsigned char *cpoppler_render_png(cpoppler_document *document, int index, double scale, size_t *length) {
    *length = 0;
    if (!cairo_loaded || !(scale > 0)) return NULL;
    void *page = api.document_get_page(document->document, index);
    if (!page) return NULL;
    double width = 0, height = 0;
    api.page_get_size(page, &width, &height);
    double pixels_wide = width * scale, pixels_high = height * scale;
    // The caller chooses the scale; this only keeps a damaged page size from asking for a
    // surface cairo cannot make.
    if (!(pixels_wide >= 1 && pixels_high >= 1 && pixels_wide <= 10000 && pixels_high <= 10000)) {
        api.object_unref(page);
        return NULL;
    }
    void *surface = api.image_surface_create(1 /* CAIRO_FORMAT_RGB24 */, (int)pixels_wide, (int)pixels_high);
    if (api.surface_status(surface) != 0) {
        api.surface_destroy(surface);
        api.object_unref(page);
        return NULL;
    }
    void *cairo = api.cairo_create(surface);
    api.set_source_rgb(cairo, 1, 1, 1);
    api.cairo_paint(cairo);
    api.cairo_scale(cairo, scale, scale);
    api.page_render(page, cairo);
    api.cairo_destroy(cairo);
    png_buffer buffer = {0};
    int status = api.surface_write_to_png_stream(surface, append_png, &buffer);
    api.surface_destroy(surface);
    api.object_unref(page);
    if (status != 0 || buffer.failed) {
        free(buffer.data);
        return NULL;
    }
    *length = buffer.length;
    return buffer.data;
}

void cpoppler_free(void *pointer) {
    free(pointer);
}

void cpoppler_close(cpoppler_document *document) {
    if (!document) return;
    api.object_unref(document->document);
    free(document->bytes);
    free(document);
}
