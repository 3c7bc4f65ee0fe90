/*
 * supervisor_native: the pipe spawner's system calls, in plain N-API.
 *
 *   spawn(opts, onExit) -> {pid, pidfd}   clone(CLONE_VM|CLONE_VFORK) + execve, no fork of the
 *                                         whole Node process; exec errors come back as exceptions
 *   pipe()              -> [readFd, writeFd]  pipe2(O_CLOEXEC)
 *   setPipeSize(fd, n)  -> new size           fcntl(F_SETPIPE_SZ)
 *   pidfd, closeRange   true, or the errno name of the failed probe (then the JS side falls back)
 *
 * The fd table: a plain clone copies the daemon's whole descriptor table into the child (thousands
 * of entries with 500 programs and their log files), and execve then closes every copy: both
 * proportional to the daemon's open files, per spawn. Instead the child starts on the daemon's table
 * (CLONE_FILES) and first takes a private copy of only its low descriptors, with
 * close_range(top + 1, ~0, CLOSE_RANGE_UNSHARE). For that, its three stdio descriptors have to be
 * low: each environment reserves three slots (placeholders on /dev/null, opened when the addon
 * loads, early in the daemon's life) into which spawn dup3()s the pipes just before the clone and
 * puts the placeholder back right after. Slots are never closed, so no other thread can be handed
 * their numbers in between. Should the slots not be had (no /dev/null), the plain clone is used.
 * Without close_range at all (Linux < 5.9, or a seccomp filter) the addon reports it (`closeRange`)
 * and the daemon uses child_process instead.
 *
 * Exit notification: each child gets a pidfd watched by a uv_poll_t on the caller's loop. When it
 * turns readable the child is reaped with waitpid(pid, WNOHANG) -- only that pid, never wait(-1),
 * so libuv's SIGCHLD handling of child_process children and node-pty's own waitpid threads keep
 * working -- and onExit(code|null, signal|null) runs. The poll handle stays referenced while the
 * child lives, as child_process handles are: a running child keeps the event loop alive.
 */
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The kernel's sigset_t is 64 bits on Linux; the raw rt_sigprocmask takes its size. */
#define KERNEL_SIGSET_SIZE (_NSIG / 8)
/* The child runs on this private stack (it shares the parent's memory, not its stack). */
#define CHILD_STACK_SIZE (64 * 1024)

/* ---- the child ----------------------------------------------------------------------------- */

/* Which step of the child failed, reported as `.step` of the thrown error. */
enum child_step { STEP_NONE = 0, STEP_SETPGID, STEP_CHDIR, STEP_DUP2, STEP_EXEC, STEP_CLOSE_RANGE, STEP_SETGROUPS, STEP_SETGID, STEP_SETUID };
static const char *const STEP_NAMES[] = {"", "setpgid", "chdir", "dup2", "exec", "close_range", "setgroups", "setgid", "setuid"};

/*
 * Everything the child needs, prepared by the parent. The child shares this memory (CLONE_VM) and
 * writes err/step into it before _exit(127) when a step fails.
 */
typedef struct {
  const char *file;
  char **argv;
  char **envp;
  const char *cwd; /* NULL: keep the daemon's directory */
  int umask;       /* -1: keep the daemon's umask */
  /* user=: switch to uid/gid with these supplementary groups (looked up by the parent). */
  int set_ids;
  uid_t uid;
  gid_t gid;
  size_t ngroups;
  gid_t *groups;
  int fds[3];
  /* > 0: the child shares the daemon's fd table and must first unshare it, keeping fds below this. */
  int unshare_below;
  struct sigaction dfl; /* SIG_DFL, filled in by the parent (no library calls in the child) */
  volatile int err;
  volatile int step;
} child_req;

/* Record why the child failed and leave. _exit is async-signal-safe; exit() is not. */
static void child_fail(child_req *r, int step) {
  r->err = errno;
  r->step = step;
  _exit(127);
}

/*
 * The child between clone and execve. It shares the parent's memory and TLS (errno included, the
 * parent saves and restores it), so only async-signal-safe calls: no malloc, no locks, no stdio.
 * Every signal is blocked on entry (the parent blocked them before clone), so none of the
 * daemon's handlers can run here on the shared memory.
 */
static int child_main(void *arg) {
  child_req *r = arg;
  int fds[3], i, sig;

  /*
   * On the daemon's own table (CLONE_FILES): take a private copy of fds 0..unshare_below-1 before
   * touching any descriptor (the daemon's other threads may use the shared table meanwhile).
   */
  if (r->unshare_below > 0 &&
      syscall(SYS_close_range, (unsigned)r->unshare_below, ~0U, CLOSE_RANGE_UNSHARE) < 0)
    child_fail(r, STEP_CLOSE_RANGE);

  /* Node ignores SIGPIPE and handles others: the program starts with every signal at default. */
  for (sig = 1; sig < _NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &r->dfl, NULL); /* glibc's internal signals answer EINVAL: harmless */
  }
  /*
   * Its own process group in the daemon's session, as Supervisor's child (os.setpgrp()): stopasgroup
   * and killasgroup signal the group, and a `supervisord -n` in a terminal keeps its programs there.
   */
  if (setpgid(0, 0) < 0) child_fail(r, STEP_SETPGID);
  /*
   * user=, in Supervisor's order (groups, gid, uid) and before chdir, so the directory is entered as
   * the user. Raw system calls: glibc's setuid()/setgid() would broadcast the change to every thread
   * of the process they think they are in, which here would be the daemon's (shared memory); the
   * raw calls change this task's credentials only.
   */
  if (r->set_ids) {
    if (syscall(SYS_setgroups, r->ngroups, r->groups) < 0) child_fail(r, STEP_SETGROUPS);
    if (syscall(SYS_setgid, r->gid) < 0) child_fail(r, STEP_SETGID);
    if (syscall(SYS_setuid, r->uid) < 0) child_fail(r, STEP_SETUID);
  }
  if (r->umask >= 0) umask((mode_t)r->umask);
  if (r->cwd && chdir(r->cwd) < 0) child_fail(r, STEP_CHDIR);

  /*
   * fds 0-2 from fds[0..2]. A source below 3 that is not already in place could be overwritten by
   * an earlier dup2 (e.g. fds = {1, 0, 0}): move those above 2 first. One source may feed two
   * targets (redirect_stderr passes the same pipe for 1 and 2).
   */
  for (i = 0; i < 3; i++) {
    fds[i] = r->fds[i];
    if (fds[i] < 3 && fds[i] != i) {
      fds[i] = fcntl(fds[i], F_DUPFD, 3);
      if (fds[i] < 0) child_fail(r, STEP_DUP2);
    }
  }
  for (i = 0; i < 3; i++) {
    if (fds[i] == i) {
      /* dup2(i, i) is a no-op that would leave a close-on-exec flag set: clear it. */
      int flags = fcntl(i, F_GETFD);
      if (flags < 0 || fcntl(i, F_SETFD, flags & ~FD_CLOEXEC) < 0) child_fail(r, STEP_DUP2);
    } else if (dup2(fds[i], i) < 0) {
      child_fail(r, STEP_DUP2);
    }
  }
  /*
   * Nothing of the daemon's beyond 0-2 reaches the program, close-on-exec or not. Marking them
   * close-on-exec (Linux 5.11) rather than closing them here lets execve close them after it has
   * released the parent, which is measurably quicker with the daemon's thousand-odd descriptors.
   * close_range itself is there (the addon is not used without it: the `closeRange` probe), so a
   * failure here is a real one.
   */
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0 && syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
    child_fail(r, STEP_CLOSE_RANGE);

  /* An empty mask last: from here on only default actions exist. */
  {
    unsigned char empty[KERNEL_SIGSET_SIZE];
    for (i = 0; i < (int)sizeof empty; i++) empty[i] = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, empty, NULL, (size_t)KERNEL_SIGSET_SIZE);
  }
  execve(r->file, r->argv, r->envp);
  child_fail(r, STEP_EXEC);
  return 127;
}

/* ---- N-API helpers ------------------------------------------------------------------------- */

#define NAPI_OK(call)                                                          \
  do {                                                                         \
    if ((call) != napi_ok) return NULL; /* an exception is pending already */ \
  } while (0)

/* ENOENT for 2: glibc knows every name (2.32+); libuv's table lacks some (ENOEXEC, ETXTBSY…). */
static const char *errno_name(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name) return name;
#endif
  return uv_err_name(-err);
}

/* Throw Error(message) with .code = errno name, .errno = number and .step when given. */
static napi_value throw_errno(napi_env env, int err, const char *step, const char *what) {
  char msg[512];
  napi_value code, message, error, num, stepv;
  const char *name = errno_name(err);
  snprintf(msg, sizeof msg, "%s%s%s: %s (%s)", step ? step : "", step ? " " : "", what, name, strerror(err));
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  if (napi_create_error(env, code, message, &error) != napi_ok) return NULL;
  if (napi_create_int32(env, -err, &num) == napi_ok) napi_set_named_property(env, error, "errno", num);
  if (step && napi_create_string_utf8(env, step, NAPI_AUTO_LENGTH, &stepv) == napi_ok)
    napi_set_named_property(env, error, "step", stepv);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

/* A malloc'd copy of a JS string; NULL with a TypeError pending when it is not a string or has a NUL. */
static char *dup_string(napi_env env, napi_value v, const char *what) {
  size_t len, got;
  char *buf;
  char msg[128];
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    snprintf(msg, sizeof msg, "%s must be a string", what);
    throw_type(env, msg);
    return NULL;
  }
  buf = malloc(len + 1);
  if (!buf) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, buf, len + 1, &got);
  if (strlen(buf) != got) {
    free(buf);
    snprintf(msg, sizeof msg, "%s must not contain a null byte", what);
    throw_type(env, msg);
    return NULL;
  }
  return buf;
}

static void free_vector(char **vec) {
  if (!vec) return;
  for (char **p = vec; *p; p++) free(*p);
  free(vec);
}

/* A NULL-terminated malloc'd vector of the strings of a JS array (argv, envp). */
static char **dup_vector(napi_env env, napi_value arr, const char *what) {
  bool is_array;
  uint32_t n, i;
  char **vec;
  char msg[128];
  if (napi_is_array(env, arr, &is_array) != napi_ok || !is_array) {
    snprintf(msg, sizeof msg, "%s must be an array of strings", what);
    throw_type(env, msg);
    return NULL;
  }
  napi_get_array_length(env, arr, &n);
  vec = calloc((size_t)n + 1, sizeof *vec);
  if (!vec) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  for (i = 0; i < n; i++) {
    napi_value el;
    if (napi_get_element(env, arr, i, &el) != napi_ok || !(vec[i] = dup_string(env, el, what))) {
      free_vector(vec);
      return NULL;
    }
  }
  return vec;
}

/* opts[name], with *present = false for undefined or null. */
static napi_value get_prop(napi_env env, napi_value obj, const char *name, bool *present) {
  napi_value v;
  napi_valuetype t;
  *present = false;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return NULL;
  if (napi_typeof(env, v, &t) != napi_ok) return NULL;
  *present = t != napi_undefined && t != napi_null;
  return v;
}

/* ---- exit watch ---------------------------------------------------------------------------- */

/* One watched child: its pidfd on the loop and the JS callback for its exit. */
typedef struct {
  uv_poll_t poll;
  napi_env env; /* NULL once the environment is being torn down */
  napi_ref callback;
  napi_async_context async;
  pid_t pid;
  int pidfd;
} exit_watch;

static void watch_closed(uv_handle_t *h) {
  exit_watch *w = h->data;
  close(w->pidfd); /* only now: libuv no longer polls it */
  free(w);
}

/* Forget the JS side of a watch (after its callback, or when the environment goes away). */
static void watch_release(exit_watch *w) {
  if (!w->env) return;
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->async);
  w->env = NULL;
}

/* The environment is being torn down (worker exit, process teardown) while the child runs. */
static void watch_env_cleanup(void *arg) {
  exit_watch *w = arg;
  watch_release(w);
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, watch_closed);
}

/* The pidfd is readable: the child has exited. Reap it and tell JS. */
static void watch_ready(uv_poll_t *h, int status, int events) {
  exit_watch *w = h->data;
  napi_env env = w->env;
  int st = 0, saved_errno = errno;
  pid_t r;
  napi_value args[3], cb, global, result;
  napi_handle_scope scope;

  do r = waitpid(w->pid, &st, WNOHANG);
  while (r < 0 && errno == EINTR);
  errno = saved_errno;
  if (r == 0) {
    /* Not reapable yet. libuv stops a poll that reported an error: keep watching regardless. */
    if (status < 0) uv_poll_start(h, UV_READABLE, watch_ready);
    return;
  }

  uv_poll_stop(h);
  napi_remove_env_cleanup_hook(env, watch_env_cleanup, w);
  uv_close((uv_handle_t *)h, watch_closed);

  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    watch_release(w);
    return;
  }
  napi_get_null(env, &args[0]);
  napi_get_null(env, &args[1]);
  napi_get_boolean(env, false, &args[2]);
  if (r > 0 && WIFEXITED(st)) {
    napi_create_int32(env, WEXITSTATUS(st), &args[0]);
  } else if (r > 0 && WIFSIGNALED(st)) {
    napi_create_int32(env, WTERMSIG(st), &args[1]);
    /* Supervisor adds " (core dumped)" to the exit message: tell whether the kernel wrote one. */
    napi_get_boolean(env, WCOREDUMP(st) != 0, &args[2]);
  }
  /* r < 0 (ECHILD: someone else reaped it) reports (null, null): the status is lost. */
  napi_get_global(env, &global);
  if (napi_get_reference_value(env, w->callback, &cb) == napi_ok && cb) {
    /* make_callback, not call_function: runs the nextTick and microtask queues afterwards. */
    if (napi_make_callback(env, w->async, global, cb, 3, args, &result) == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc); /* to process 'uncaughtException', as any callback */
    }
  }
  watch_release(w);
  napi_close_handle_scope(env, scope);
}

/* Start watching `pid` through `pidfd`; returns a libuv error code (0 on success). */
static int watch_start(napi_env env, napi_value callback, pid_t pid, int pidfd) {
  uv_loop_t *loop;
  exit_watch *w;
  napi_value name;
  int rc;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return UV_EINVAL;
  w = calloc(1, sizeof *w);
  if (!w) return UV_ENOMEM;
  w->env = env;
  w->pid = pid;
  w->pidfd = pidfd;
  rc = uv_poll_init(loop, &w->poll, pidfd);
  if (rc != 0) {
    free(w);
    return rc;
  }
  w->poll.data = w;
  napi_create_reference(env, callback, 1, &w->callback);
  napi_create_string_utf8(env, "SupervisorChildExit", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->async);
  napi_add_env_cleanup_hook(env, watch_env_cleanup, w);
  rc = uv_poll_start(&w->poll, UV_READABLE, watch_ready);
  if (rc != 0) {
    /* The fd stays the caller's to close: detach it from the handle first. */
    w->pidfd = -1;
    napi_remove_env_cleanup_hook(env, watch_env_cleanup, w);
    watch_release(w);
    uv_close((uv_handle_t *)&w->poll, watch_closed);
  }
  return rc;
}

/* ---- stdio slots (see the top comment) ------------------------------------------------------ */

/* Per environment: a /dev/null placeholder and the three low slots; slots[0] < 0 when unused. */
typedef struct {
  int placeholder;
  int slots[3];
} stdio_slots;

static void slots_free(napi_env env, void *data, void *hint) {
  stdio_slots *s = data;
  if (s->slots[0] >= 0)
    for (int i = 0; i < 3; i++) close(s->slots[i]);
  if (s->placeholder >= 0) close(s->placeholder);
  free(s);
}

/* Reserve the slots when close_range (with CLOSE_RANGE_UNSHARE, same kernel) is available. */
static stdio_slots *slots_reserve(void) {
  stdio_slots *s = malloc(sizeof *s);
  int i;
  if (!s) return NULL;
  s->placeholder = -1;
  for (i = 0; i < 3; i++) s->slots[i] = -1;
  /* close_range(~0, ~0, 0) closes nothing: only whether the call exists is learnt. */
  if (syscall(SYS_close_range, ~0U, ~0U, 0U) < 0) return s;
  s->placeholder = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (s->placeholder < 0) return s;
  for (i = 0; i < 3; i++) {
    s->slots[i] = fcntl(s->placeholder, F_DUPFD_CLOEXEC, 3);
    if (s->slots[i] < 0) {
      while (i-- > 0) close(s->slots[i]);
      s->slots[0] = -1;
      return s;
    }
  }
  return s;
}

/* Put the placeholder back into the slots (dup3 replaces atomically: the numbers stay ours). */
static void slots_release(const stdio_slots *s) {
  for (int i = 0; i < 3; i++) dup3(s->placeholder, s->slots[i], O_CLOEXEC);
}

/* ---- spawn --------------------------------------------------------------------------------- */

/* A child that must not survive (its exit cannot be watched): kill and reap it. */
static void kill_and_reap(pid_t pid) {
  int st;
  kill(pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
}

static int block_all_signals(sigset_t *old) {
  unsigned char all[KERNEL_SIGSET_SIZE];
  memset(all, 0xff, sizeof all);
  memset(old, 0, sizeof *old);
  return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, all, old, (size_t)KERNEL_SIGSET_SIZE);
}

static void restore_signals(const sigset_t *old) {
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, (size_t)KERNEL_SIGSET_SIZE);
}

/*
 * The supplementary groups of uid's user, primary gid first, as Supervisor's drop_privileges sets
 * them (the user's passwd name looked up, then every group listing it: getgrouplist). Fills
 * req->groups (malloc'd) and req->ngroups; returns 0, or an errno (ENOENT: no such user).
 */
static int lookup_groups(child_req *req) {
  struct passwd pw, *found = NULL;
  size_t buflen = 16384;
  char *buf = NULL;
  int rc, n = 32;
  for (;;) {
    char *more = realloc(buf, buflen);
    if (!more) {
      free(buf);
      return ENOMEM;
    }
    buf = more;
    rc = getpwuid_r(req->uid, &pw, buf, buflen, &found);
    if (rc != ERANGE || buflen >= (1 << 20)) break;
    buflen *= 2;
  }
  if (rc != 0 || !found) {
    free(buf);
    return rc != 0 ? rc : ENOENT;
  }
  for (;;) {
    gid_t *more = realloc(req->groups, (size_t)n * sizeof(gid_t));
    int want = n;
    if (!more) {
      free(buf);
      return ENOMEM;
    }
    req->groups = more;
    if (getgrouplist(pw.pw_name, req->gid, req->groups, &want) >= 0) {
      req->ngroups = (size_t)want;
      break;
    }
    /* Too small: want holds the count needed (grow anyway, should a source change meanwhile). */
    n = want > n ? want : n * 2;
    if (n > 65536) {
      free(buf);
      return E2BIG;
    }
  }
  free(buf);
  return 0;
}

/**
 * spawn({file, argv, envp, cwd?, umask?, stdio: [in, out, err], uid?, gid?}, onExit) -> {pid}
 * Throws Error with .code (errno name) and .step (clone, setpgid, getpwuid, setgroups, setgid, setuid,
 * chdir, dup2, exec, pidfd_open).
 */
static napi_value js_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v, result, num;
  napi_valuetype t;
  bool present;
  child_req req;
  char *stack = NULL;
  napi_value ret = NULL;
  stdio_slots *in_slots = NULL; /* set while the pipes sit in the slots */

  memset(&req, 0, sizeof req);
  req.umask = -1;
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "spawn(options, onExit) takes two arguments");
  NAPI_OK(napi_typeof(env, argv[0], &t));
  if (t != napi_object) return throw_type(env, "options must be an object");
  NAPI_OK(napi_typeof(env, argv[1], &t));
  if (t != napi_function) return throw_type(env, "onExit must be a function");

  /* stdio: three descriptors, checked before anything is allocated. */
  v = get_prop(env, argv[0], "stdio", &present);
  if (!v) return NULL;
  {
    bool is_array = false;
    uint32_t n = 0;
    if (present) napi_is_array(env, v, &is_array);
    if (is_array) napi_get_array_length(env, v, &n);
    if (n != 3) return throw_type(env, "stdio must be an array of three file descriptors");
    for (uint32_t i = 0; i < 3; i++) {
      napi_value el;
      int32_t fd;
      if (napi_get_element(env, v, i, &el) != napi_ok || napi_get_value_int32(env, el, &fd) != napi_ok || fd < 0)
        return throw_type(env, "stdio must be an array of three file descriptors");
      req.fds[i] = fd;
    }
  }
  v = get_prop(env, argv[0], "umask", &present);
  if (!v) return NULL;
  if (present) {
    int32_t m;
    if (napi_get_value_int32(env, v, &m) != napi_ok || m < 0 || m > 0777)
      return throw_type(env, "umask must be a number from 0 to 0o777");
    req.umask = m;
  }
  v = get_prop(env, argv[0], "uid", &present);
  if (!v) return NULL;
  if (present) {
    uint32_t id;
    napi_value g;
    bool have_gid;
    if (napi_get_value_uint32(env, v, &id) != napi_ok) return throw_type(env, "uid must be a number");
    req.uid = (uid_t)id;
    g = get_prop(env, argv[0], "gid", &have_gid);
    if (!g) return NULL;
    if (!have_gid || napi_get_value_uint32(env, g, &id) != napi_ok) return throw_type(env, "uid needs a numeric gid");
    req.gid = (gid_t)id;
    req.set_ids = 1;
  }

  v = get_prop(env, argv[0], "file", &present);
  if (!v || !(req.file = dup_string(env, v, "file"))) goto out;
  v = get_prop(env, argv[0], "argv", &present);
  if (!v || !(req.argv = dup_vector(env, v, "argv"))) goto out;
  v = get_prop(env, argv[0], "envp", &present);
  if (!v || !(req.envp = dup_vector(env, v, "envp"))) goto out;
  v = get_prop(env, argv[0], "cwd", &present);
  if (!v) goto out;
  if (present && !(req.cwd = dup_string(env, v, "cwd"))) goto out;
  if (req.set_ids) {
    int e = lookup_groups(&req);
    if (e != 0) {
      throw_errno(env, e, "getpwuid", req.file);
      goto out;
    }
  }

  req.dfl.sa_handler = SIG_DFL;
  sigemptyset(&req.dfl.sa_mask);

  {
    stdio_slots *slots = NULL;
    napi_get_instance_data(env, (void **)&slots);
    if (slots && slots->slots[0] >= 0) {
      int top = 0, i;
      for (i = 0; i < 3; i++) {
        if (dup3(req.fds[i], slots->slots[i], O_CLOEXEC) < 0) {
          int e = errno;
          slots_release(slots);
          throw_errno(env, e, "dup2", req.file);
          goto out;
        }
        req.fds[i] = slots->slots[i];
        if (slots->slots[i] > top) top = slots->slots[i];
      }
      req.unshare_below = top + 1;
      in_slots = slots;
    }
  }

  stack = malloc(CHILD_STACK_SIZE);
  if (!stack) {
    throw_errno(env, ENOMEM, "clone", req.file);
    goto out;
  }

  {
    sigset_t old;
    int saved_errno = errno, clone_errno = 0, pidfd, rc;
    pid_t pid;
    /* No handler of the daemon may run in the child, which shares its memory: block them all. */
    block_all_signals(&old);
    pid = clone(child_main, stack + CHILD_STACK_SIZE,
                CLONE_VM | CLONE_VFORK | (req.unshare_below > 0 ? CLONE_FILES : 0) | SIGCHLD, &req);
    if (pid < 0) clone_errno = errno;
    /* Here the child has exec'd or exited (CLONE_VFORK suspended us until then). */
    restore_signals(&old);
    if (in_slots) {
      slots_release(in_slots);
      in_slots = NULL;
    }
    errno = saved_errno;

    if (pid < 0) {
      throw_errno(env, clone_errno, "clone", req.file);
      goto out;
    }
    if (req.step != STEP_NONE) {
      int st;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      throw_errno(env, req.err, STEP_NAMES[req.step], req.step == STEP_CHDIR ? req.cwd : req.file);
      goto out;
    }
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
      int e = errno;
      kill_and_reap(pid);
      throw_errno(env, e, "pidfd_open", req.file);
      goto out;
    }
    rc = watch_start(env, argv[1], pid, pidfd);
    if (rc != 0) {
      close(pidfd);
      kill_and_reap(pid);
      throw_errno(env, -rc, "uv_poll", req.file);
      goto out;
    }
    if (napi_create_object(env, &result) != napi_ok) goto out;
    napi_create_int32(env, pid, &num);
    napi_set_named_property(env, result, "pid", num);
    ret = result;
  }

out:
  if (in_slots) slots_release(in_slots);
  free(stack);
  free((char *)req.file);
  free((char *)req.cwd);
  free_vector(req.argv);
  free_vector(req.envp);
  free(req.groups);
  return ret;
}

/* ---- pipes --------------------------------------------------------------------------------- */

static napi_value js_pipe(napi_env env, napi_callback_info info) {
  int fds[2];
  napi_value arr, r, w;
  if (pipe2(fds, O_CLOEXEC) < 0) return throw_errno(env, errno, "pipe2", "pipe");
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok || napi_create_int32(env, fds[0], &r) != napi_ok ||
      napi_create_int32(env, fds[1], &w) != napi_ok) {
    close(fds[0]);
    close(fds[1]);
    return NULL;
  }
  napi_set_element(env, arr, 0, r);
  napi_set_element(env, arr, 1, w);
  return arr;
}

/* setPipeSize(fd, bytes): fcntl(F_SETPIPE_SZ); returns the new capacity or throws. */
static napi_value js_set_pipe_size(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t fd, bytes;
  int r;
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &bytes) != napi_ok)
    return throw_type(env, "setPipeSize(fd, bytes) takes two numbers");
  r = fcntl(fd, F_SETPIPE_SZ, bytes);
  if (r < 0) return throw_errno(env, errno, "fcntl", "F_SETPIPE_SZ");
  NAPI_OK(napi_create_int32(env, r, &out));
  return out;
}

/* ---- module -------------------------------------------------------------------------------- */

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, probe;
  int fd;
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"spawn", js_spawn}, {"pipe", js_pipe}, {"setPipeSize", js_set_pipe_size}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    NAPI_OK(napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn));
    NAPI_OK(napi_set_named_property(env, exports, fns[i].name, fn));
  }
  /* Exit notification needs pidfd_open (Linux 5.3, and not blocked by a seccomp filter). */
  fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  if (fd >= 0) {
    close(fd);
    NAPI_OK(napi_get_boolean(env, true, &probe));
  } else {
    NAPI_OK(napi_create_string_utf8(env, errno_name(errno), NAPI_AUTO_LENGTH, &probe));
  }
  NAPI_OK(napi_set_named_property(env, exports, "pidfd", probe));
  /*
   * A spawn keeps the daemon's descriptors from the program with close_range (Linux 5.9): without
   * it the child would have to close() every number up to the open-file limit, with the daemon
   * suspended meanwhile (CLONE_VFORK), so then the addon is not used at all.
   */
  if (syscall(SYS_close_range, ~0U, ~0U, 0U) == 0) {
    NAPI_OK(napi_get_boolean(env, true, &probe));
  } else {
    NAPI_OK(napi_create_string_utf8(env, errno_name(errno), NAPI_AUTO_LENGTH, &probe));
  }
  NAPI_OK(napi_set_named_property(env, exports, "closeRange", probe));
  {
    stdio_slots *slots = slots_reserve();
    if (slots && napi_set_instance_data(env, slots, slots_free, NULL) != napi_ok) slots_free(env, slots, NULL);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
