#ifndef CPOPPLER_H
#define CPOPPLER_H
/// Whether poppler-glib could be loaded (0 when it is not installed).
int cpoppler_available(void);
#endif
