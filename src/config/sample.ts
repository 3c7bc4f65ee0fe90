/**
 * The sample configuration printed by `echo_supervisord_conf`: every section and option with its
 * default, commented out where Supervisor's own sample comments it out. It loads as is.
 */

export const SAMPLE_CONF = `; supervisord.conf: a sample configuration for supervisord and supervisorctl.
;
; How this file is read:
;  - Lines starting with ";" or "#" are comments.  A comment after a value needs
;    whitespace before it: "a=b ;note" is "b", but "a=b;note" is "b;note".  So a
;    command such as "bash -c 'x ; y'" is cut at " ;".
;  - An indented line continues the value above it.
;  - "%(name)s" expands a name: %(here)s is this file's directory, %(ENV_HOME)s
;    is the HOME environment variable, and program sections add
;    %(program_name)s, %(process_num)d, %(group_name)s, %(host_node_name)s and
;    %(numprocs)d.  Write "%%" for a literal "%".
;  - There is no shell expansion ("~" works only where a path is expected;
;    "$HOME" never does) and quotes are literal, except in environment= values.
;
; The paths below use /tmp so that this file works anywhere; real setups
; should use directories that are not cleaned up periodically (a deleted
; socket file leaves supervisorctl unable to connect).

[unix_http_server]
file=/tmp/supervisor.sock   ; the socket supervisorctl talks to
;chmod=0700                 ; its mode bits (default 0700)
;chown=nobody:nogroup       ; its owner as user or user:group (default: unchanged)
;username=user              ; ask for this user name (default: no authentication)
;password=123               ; and this password; "{SHA}" + hex sha1 also works

; The TCP server is off unless this section is uncommented.  It has no
; encryption: bind it to localhost or a trusted network only, and set a
; username and password.
;[inet_http_server]
;port=127.0.0.1:9001        ; host:port, :port or *:port for every interface
;username=user              ; default: no authentication
;password=123               ; default: no authentication

; Our ZeroMQ control (ROUTER) and event (PUB) sockets.  Without this section
; they sit next to the [unix_http_server] socket (FILE.zmq and FILE.pub.zmq,
; same mode, owner and credentials), or in the pidfile's directory.
;[zmq_server]
;endpoint=ipc:///tmp/supervisor.sock.zmq        ; commands (ipc:// or tcp://)
;pubsub_endpoint=ipc:///tmp/supervisor.sock.pub.zmq ; live events
;chmod=0700                 ; mode bits of ipc:// socket files (default 0700)
;chown=nobody:nogroup       ; owner of ipc:// socket files (default: unchanged)
;username=user              ; ZAP plain authentication (default: none)
;password=123               ; plain text or "{SHA}" + hex sha1
;curve_secretkey=           ; CURVE server secret key, z85 (default: none)
;curve_publickey=           ; CURVE server public key, z85 (default: none)
;curve_allowed_clients=     ; comma list of client public keys (default: any)

[supervisord]
logfile=/tmp/supervisord.log ; the activity log (default $CWD/supervisord.log)
logfile_maxbytes=50MB        ; rotate it at this size; 0 never rotates (default 50MB)
logfile_backups=10           ; keep this many rotated logs; 0 keeps none (default 10)
loglevel=info                ; critical, error, warn, info, debug, trace or blather (default info)
pidfile=/tmp/supervisord.pid ; holds the daemon's pid (default $CWD/supervisord.pid)
nodaemon=false               ; stay in the foreground (default false)
silent=false                 ; in the foreground, do not copy the log to stdout (default false)
minfds=1024                  ; file descriptors needed to start (default 1024)
minprocs=200                 ; processes needed to start (default 200)
;umask=022                   ; umask of the daemon once daemonized (default 022)
;user=supervisord            ; switch to this user at startup, when started as root
;identifier=supervisor       ; the name this supervisor reports (default supervisor)
;directory=/tmp              ; change to this directory when daemonizing (default: none)
;nocleanup=true              ; keep old AUTO child logs at startup (default false)
;childlogdir=/tmp            ; where AUTO child logs go (default: the temp directory)
;environment=KEY="value"     ; variables added to every program's environment
;strip_ansi=false            ; remove ANSI escapes from child logs (default false)

; Supervisor's XML-RPC interface: keep this section, supervisorctl needs it.
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

; How supervisorctl reaches supervisord: match one of the servers above.
[supervisorctl]
serverurl=unix:///tmp/supervisor.sock ; a unix:// URL for the socket file
;serverurl=http://127.0.0.1:9001 ; or an http:// URL for the TCP server
;username=chris              ; the same as in the server section, if set
;password=123                ; the same as in the server section (plain text)
;prompt=mysupervisor         ; the shell prompt (default "supervisor")
;history_file=~/.sc_history  ; keep the shell's command history here

; A program.  Copy this section once per program, without the ";".
;[program:theprogramname]
;command=/bin/cat              ; what to run; a name without "/" is looked up on PATH
;process_name=%(program_name)s ; the process name (default %(program_name)s)
;numprocs=1                    ; run this many copies; needs %(process_num) in process_name (default 1)
;numprocs_start=0              ; the first process_num (default 0)
;directory=/tmp                ; change to this directory before exec (default: none)
;umask=022                     ; the program's umask (default: inherited)
;priority=999                  ; lower starts first and stops last (default 999)
;autostart=true                ; start when supervisord starts (default true)
;startsecs=1                   ; seconds it must stay up to count as started (default 1)
;startretries=3                ; failed starts in a row before giving up (default 3)
;autorestart=unexpected        ; restart after exit: false, unexpected or true (default unexpected)
;exitcodes=0                   ; exit codes that are expected (default 0)
;stopsignal=QUIT               ; the signal that asks it to stop (default TERM)
;stopwaitsecs=10               ; seconds to wait before SIGKILL (default 10)
;stopasgroup=false             ; send the stop signal to its whole process group (default false)
;killasgroup=false             ; send SIGKILL to its whole process group (default false)
;user=chrism                   ; run it as this user (supervisord must be root)
;redirect_stderr=true          ; send its stderr to the stdout log (default false)
;stdout_logfile=/a/path        ; a path, NONE, or AUTO (default AUTO)
;stdout_logfile_maxbytes=1MB   ; rotate at this size; 0 never rotates (default 50MB)
;stdout_logfile_backups=10     ; rotated logs to keep (default 10)
;stdout_capture_maxbytes=1MB   ; buffer size of capture mode; 0 turns it off (default 0)
;stdout_events_enabled=false   ; emit PROCESS_LOG_STDOUT events (default false)
;stdout_syslog=false           ; also send stdout to syslog (default false)
;stderr_logfile=/a/path        ; a path, NONE, or AUTO (default AUTO)
;stderr_logfile_maxbytes=1MB   ; rotate at this size; 0 never rotates (default 50MB)
;stderr_logfile_backups=10     ; rotated logs to keep (default 10)
;stderr_capture_maxbytes=1MB   ; buffer size of capture mode; 0 turns it off (default 0)
;stderr_events_enabled=false   ; emit PROCESS_LOG_STDERR events (default false)
;stderr_syslog=false           ; also send stderr to syslog (default false)
;environment=A="1",B="2"       ; variables added to its environment (default: none)
;serverurl=AUTO                ; SUPERVISOR_SERVER_URL for it (default AUTO: ours)
;pty=false                     ; run it under a pseudo-terminal, for "fg" (default false)

; An event listener pool: the program keys above, plus events and buffer_size.
;[eventlistener:theeventlistenername]
;command=/bin/eventlistener    ; what to run; it speaks the listener protocol
;process_name=%(program_name)s ; the process name (default %(program_name)s)
;numprocs=1                    ; listeners in the pool (default 1)
;events=EVENT                  ; event types to receive, comma separated (required)
;buffer_size=10                ; events queued before the oldest is dropped (default 10)
;result_handler=supervisor.dispatchers:default_handler ; (default shown)
;directory=/tmp                ; change to this directory before exec (default: none)
;umask=022                     ; the listener's umask (default: inherited)
;priority=-1                   ; listeners start first and stop last (default -1)
;autostart=true                ; start when supervisord starts (default true)
;startsecs=1                   ; seconds it must stay up to count as started (default 1)
;startretries=3                ; failed starts in a row before giving up (default 3)
;autorestart=unexpected        ; false, unexpected or true (default unexpected)
;exitcodes=0                   ; exit codes that are expected (default 0)
;stopsignal=QUIT               ; the signal that asks it to stop (default TERM)
;stopwaitsecs=10               ; seconds to wait before SIGKILL (default 10)
;stopasgroup=false             ; signal its whole process group (default false)
;killasgroup=false             ; SIGKILL its whole process group (default false)
;user=chrism                   ; run it as this user (supervisord must be root)
;redirect_stderr=false         ; must stay false: stdout carries the protocol
;stdout_logfile=/a/path        ; a path, NONE, or AUTO (default AUTO)
;stdout_logfile_maxbytes=1MB   ; rotate at this size; 0 never rotates (default 50MB)
;stdout_logfile_backups=10     ; rotated logs to keep (default 10)
;stdout_events_enabled=false   ; emit PROCESS_LOG_STDOUT events (default false)
;stdout_syslog=false           ; also send stdout to syslog (default false)
;stderr_logfile=/a/path        ; a path, NONE, or AUTO (default AUTO)
;stderr_logfile_maxbytes=1MB   ; rotate at this size; 0 never rotates (default 50MB)
;stderr_logfile_backups=10     ; rotated logs to keep (default 10)
;stderr_events_enabled=false   ; emit PROCESS_LOG_STDERR events (default false)
;stderr_syslog=false           ; also send stderr to syslog (default false)
;environment=A="1",B="2"       ; variables added to its environment (default: none)
;serverurl=AUTO                ; SUPERVISOR_SERVER_URL for it (default AUTO: ours)

; A FastCGI program: the program keys above, plus a socket that supervisord
; opens and hands to every process as its stdin.
;[fcgi-program:thefcgiprogramname]
;command=/usr/bin/php-cgi      ; what to run
;socket=unix:///tmp/%(program_name)s.sock ; unix:///absolute/path or tcp://host:port (required)
;socket_backlog=128            ; listen() backlog, 1 to 65535 (default SOMAXCONN)
;socket_owner=chrism:wheel     ; unix sockets: owner as user or user:group (default: the program's user)
;socket_mode=0700              ; unix sockets: mode bits (default 0700)
;process_name=%(program_name)s_%(process_num)02d ; the process name
;numprocs=1                    ; processes sharing the socket (default 1)

; A group of programs controlled together as "thegroupname:*".
;[group:thegroupname]
;programs=progname1,progname2  ; names of [program:x] (or [fcgi-program:x]) sections
;priority=999                  ; the group's start priority (default 999)

; More configuration files, read after this one.  Patterns are whitespace
; separated, relative to this file, and may use wildcards; included files
; cannot include others.
;[include]
;files = relative/directory/*.ini
`;
