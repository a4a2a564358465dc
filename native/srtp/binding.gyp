# -z nodelete: never unloaded when a thread that loaded it exits (see init_once in srtp_addon.c).
{
  "targets": [
    {
      "target_name": "openum_srtp",
      "sources": ["srtp_addon.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "include_dirs": ["<!@(pkg-config --cflags-only-I libsrtp2 | sed -e 's/-I//g')"],
      "libraries": ["<!@(pkg-config --libs libsrtp2)"],
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
