{
  "targets": [
    {
      "target_name": "supervisor_native",
      "sources": ["src/supervisor_native.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-strict-aliasing"]
    }
  ]
}
