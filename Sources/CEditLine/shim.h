// libedit's readline emulation, plus setters and getters for its globals.
//
// Swift 6 refuses to read or assign imported mutable C globals (they are shared mutable
// state), so every global the line editor touches goes through one of these tiny functions.
// Note: editing this header does not trigger a rebuild of the Swift code that imports it;
// touch a file in Sources/Terminal after changing it.
#include <stdio.h>
#include <editline/readline.h>

static inline void cel_set_attempted_completion_function(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void cel_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void cel_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void cel_set_pre_input_hook(rl_hook_func_t *f) { rl_pre_input_hook = f; }
static inline void cel_set_catch_signals(int v) { rl_catch_signals = v; }
static inline void cel_set_catch_sigwinch(int v) { rl_catch_sigwinch = v; }
static inline void cel_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void cel_set_done(int v) { rl_done = v; }
static inline void cel_set_instream_stdin(void) { rl_instream = stdin; }
static inline void cel_set_outstream_stdout(void) { rl_outstream = stdout; }
static inline const char *cel_line_buffer(void) { return rl_line_buffer; }
static inline int cel_point(void) { return rl_point; }
static inline int cel_end(void) { return rl_end; }
static inline int cel_history_length(void) { return history_length; }
static inline int cel_history_base(void) { return history_base; }
